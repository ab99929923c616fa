"""The model's decision and accounting rules as pure functions.

Arrays (or plain numbers) in, arrays out; any randomness comes in as uniform or normal draws
made by the caller from a named stream. A rule written over arrays serves a whole population at
once (the vectorised engine) and a single household alike.
"""
