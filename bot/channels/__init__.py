"""Channels: Rasa input and output channels for Telegram and WeChat, each one doorway."""
