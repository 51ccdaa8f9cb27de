"""Documents: the charge point's state as JSON, its atomic persistence, and replay scripts.

- `state_document`: a whole state to JSON and back (R17).
- `persistence`: `save_state` / `load_state`, atomic, versioned and checksummed.
- `replay`: a script of OCPP messages and events replayed against a charge point (`smartcharge replay`).

Built on the engine and the protocol adapters; imports no tool for people.
"""
