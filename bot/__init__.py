"""The property service centre's own service code: understanding, tickets, knowledge, channels.

bot/ never imports actions/ or rasa_sdk; only bot/nlu/ touches Rasa itself, lazily.
"""
