"""Custom actions for the Rasa action server (rasa-sdk only): thin translations to bot/."""
