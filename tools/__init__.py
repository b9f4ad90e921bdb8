"""Developer tooling: starting the stack as processes, the benchmark. Not imported by bot/."""
