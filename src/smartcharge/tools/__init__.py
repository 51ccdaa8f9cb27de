"""Tools for people: the `smartcharge` command, explanations and pictures, validation, the demo.

- `cli`: the command line.
- `explain`: which profile sets the limit, which cap, which is overridden, over a window.
- `render`: text tables, terminal charts and SVG pictures of schedules and stacks.
- `validate`: every problem of a state, profile or script document, with its rule.
- `demo`: the bundled example.

The top layer: nothing else in smartcharge imports it.
"""
