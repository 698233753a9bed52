"""The built-in demo: the province of Lạng Sơn as it is today (real units and published figures, invented
plans' wording, measurements and people, each marked in its data file), loaded by ``make run`` into an
empty database so anyone can try the bot.

Its units are dated: the districts and communes that ended on 30/06/2025 and the departments merged on
1/3/2025 carry the 2023 plan and the 2024 drive; the 65 communes and wards of the 1/7/2025 reform and
today's departments carry the current plan, the running drive and the demo accounts; lineage links the
new units to the old (units.csv says where the list comes from).

Data lives in the CSV and TOML files beside this module; each file's header says which rows are
invented. The current-year plan and drive are placed around ``clock.today()`` at load time.
"""

from models.demo._people import DEMO_ACCOUNTS
from models.demo.loader import DemoSummary, is_empty, load_demo

__all__ = ["DEMO_ACCOUNTS", "DemoSummary", "is_empty", "load_demo"]
