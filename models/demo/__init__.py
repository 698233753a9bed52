"""The built-in demo: the province of Lạng Sơn (real units and published figures, invented plans'
wording, measurements and people, each marked in its data file), loaded by ``make run`` into an empty
database so anyone can try the bot.

Data lives in the CSV and TOML files beside this module; each file's header says which rows are
invented. The current-year plan and drive are placed around ``clock.today()`` at load time.
"""

from models.demo._people import DEMO_ACCOUNTS
from models.demo.loader import DemoSummary, is_empty, load_demo

__all__ = ["DEMO_ACCOUNTS", "DemoSummary", "is_empty", "load_demo"]
