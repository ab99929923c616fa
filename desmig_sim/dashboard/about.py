"""The "About the model" page: what each agent does each month, in plain words."""

from __future__ import annotations

from desmig_sim.core.paths import ODD_PATH

__all__ = ["ABOUT_MARKDOWN", "ODD_PATH", "odd_markdown"]

ABOUT_MARKDOWN = """
## About the model

This dashboard runs **desmig-sim**, a computer model of villages in Nusa Tenggara Timur (NTT)
that joined Indonesia's *Desa Migran Produktif* (Desmigratif) programme in 2017. The model is a
tool for asking "what if?" and comparing choices. It is not a forecast.

Each step of the model is **one month**. In every month, in this order:

1. **Migrant workers abroad** earn a wage (mostly in Malaysia). Workers who left through an
   illegal recruiter (*calo*) first pay back the recruiter's debt out of their wage.
2. **They send money home.** Workers with papers mostly use a bank, which takes a small fee.
   Workers without papers often use informal carriers; sometimes the money is lost.
3. **Households** earn from farming and local work, receive the money sent home, repay debts,
   buy food and school things, fix the house, save, and put a small part into a business.
   Members of the village **cooperative** deposit savings there.
4. **Cooperatives** pay interest on savings, lend to members for a business, collect repayments
   and sometimes lose a loan. A cooperative can become inactive.
5. **Small businesses** earn, wear out, sometimes fail, and create local jobs when they grow.
6. **Families decide whether to send someone abroad.** They weigh how much more they could
   earn, how many of their neighbours and relatives have someone abroad, how poor they are
   compared with the rest of the village, and recent deaths and deportations of villagers.
7. **They choose a route.** A family that knows the official procedure may apply: it costs money
   and takes months. A recruiter may reach the family first and take the worker abroad at once,
   without papers.
8. **Workers leave**, when their papers are ready or the recruiter takes them.
9. **Workers come home, are deported, or die abroad.** Those who went with papers bring back
   knowledge of the procedure, and it spreads to their neighbours.
10. **The programme acts** where it runs: the **information centre** teaches the official
    procedure, warns of the dangers of leaving without papers and makes the papers cheaper and
    quicker; **productive enterprise** mentors migrant families and
    gives grants to business groups; the **village cooperative** is founded and recruits
    members; **community parenting** helps migrants' children stay in school.

### What you see

* **Village**: every dot is a household of the chosen village; lines are ties between
  households (relatives and neighbours). Colours show the household's situation this month.
* **Charts**: how the village is doing month by month.
* **Compare**: the programme as you set it against the same villages without it, over several
  runs with different chance events. Both sides share the same chance events, so the difference
  shows the programme's effect, with a range that says how sure the model is.

### Where the rules are written down

Every rule, with its equations, numbers and sources, is described in the model description
[**docs/odd.md**](/docs/odd.md) (the ODD+D protocol), in the project folder and in the installed
package. You can also read it below.

To read the rules as plain Python, one household at a time, open the **reference engine** in
the project folder: `desmig_sim/reference/household.py` (what a household does in each phase of
the month: `budget`, `run_business`, `form_intention`, `choose_route`, `depart`, ...),
`desmig_sim/reference/migrant.py` (`earn_wage`, `send_remittance`, `face_risks`) and
`desmig_sim/reference/cooperative.py`. It gives exactly the same results as the fast engine this
dashboard uses (a test checks it); run it with `desmig-sim run SCENARIO --engine reference`.
"""


def odd_markdown() -> str | None:
    """The text of docs/odd.md (shipped in the wheel, or read from the checkout); None if missing."""
    try:
        return ODD_PATH.read_text(encoding="utf-8")
    except OSError:
        return None
