"""Running the service on real engines and several processes: endpoints, checks."""
