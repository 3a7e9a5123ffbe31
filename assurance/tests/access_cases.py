from .dashboard_access_cases import DASHBOARD_CASES

CASES = {**DASHBOARD_CASES}
