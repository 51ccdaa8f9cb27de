"""The charging loop: what a charge point does with a limit while a vehicle charges.

- `energy`: W -> Wh step limiting and the exact energy over an interval (R34).
- `local_policy`: the charge point's own policy (energy cap, price, peak hours), deciding only where no OCPP
  profile limits (R35).
- `step`: one meter step, the OCPP limit first, else the local policy (R33).
- `balancer`: sharing the whole charge point's limit between its outlets (R28).
- `simulation`: a charging session, or a whole charge point, stepped over time.

Built on `smartcharge.engine`; knows no protocol's messages.
"""
