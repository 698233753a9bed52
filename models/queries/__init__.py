"""Questions handlers ask of the data, one module per command family. Each returns plain data
(dataclasses, ORM rows), never message text."""
