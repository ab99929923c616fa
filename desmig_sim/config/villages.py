"""The NTT 2017 Desmigratif cohort: 20 villages, two in each of ten regencies.

Village and regency names follow Dirjen Binapenta letter 686/PPTKK/IV/2017 as quoted in the fact
sheet (ref:suarajarmas-2017-ntt-villages [V]). The local economic potential of each village is an
assumption built on the NTT 2017 framing of the programme (ref:antara-ntt-2017-desmigratif [V]: ikat
weaving; clay pottery in Kabupaten Kupang); it sets a multiplier on business returns
(:data:`POTENTIAL_RETURN_FACTOR`).

Non-programme neighbours (:meth:`VillageInfo.neighbour`) are comparison villages: one (or more) per
programme village, in the same regency and with the same local potential (an assumption: a
neighbouring village of the same area), which never get the programme. They are simulated like
any village, share their regency's brokers with the programme villages (broker displacement,
:func:`desmig_sim.rules.migration.broker_contact_probability`) and are reported as a group of
their own (spill-over).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Potential(StrEnum):
    """A village's main local economic strength, on which productive enterprises build."""

    WEAVING = "weaving"
    POTTERY = "pottery"
    FARMING = "farming"
    LIVESTOCK = "livestock"
    FISHING = "fishing"


#: Multiplier on business returns by local potential (assumption: crafts with an existing
#: market, such as ikat and gerabah, earn a little more than farm-based trade).
POTENTIAL_RETURN_FACTOR: dict[Potential, float] = {
    Potential.WEAVING: 1.10,
    Potential.POTTERY: 1.10,
    Potential.FARMING: 0.90,
    Potential.LIVESTOCK: 1.00,
    Potential.FISHING: 1.00,
}


@dataclass(frozen=True)
class VillageInfo:
    """A village of the cohort: its name, its regency and its local economic potential.

    ``cohort_name`` is the cohort village a copy was made from (itself for the originals); copies
    serve scale-up runs (``world.copies``). ``programme`` is False for a non-programme neighbour
    (``world.neighbours``): no programme component ever runs there.
    """

    name: str
    regency: str
    potential: Potential
    cohort_name: str = ""
    programme: bool = True

    def copy(self, number: int) -> VillageInfo:
        """Copy number ``number`` (2, 3, ...) of this village, named "<name> #<number>"."""
        return VillageInfo(f"{self.name} #{number}", self.regency, self.potential, self.name)

    def neighbour(self, number: int = 1) -> VillageInfo:
        """Non-programme neighbour number ``number`` (1, 2, ...) of this programme village.

        It lies in the same regency, has the same local potential and never gets the programme;
        it is named "Neighbour of <name>" (or "Neighbour <number> of <name>" from the second on).
        """
        label = "Neighbour" if number == 1 else f"Neighbour {number}"
        return VillageInfo(f"{label} of {self.name}", self.regency, self.potential, programme=False)

    @property
    def base(self) -> str:
        """The cohort village this one stands for."""
        return self.cohort_name or self.name


NTT_2017: tuple[VillageInfo, ...] = (
    VillageInfo("Buraen", "Kupang", Potential.POTTERY),
    VillageInfo("Camplong II", "Kupang", Potential.POTTERY),
    VillageInfo("Bokong", "Timor Tengah Selatan", Potential.WEAVING),
    VillageInfo("Tubuhue", "Timor Tengah Selatan", Potential.FARMING),
    VillageInfo("Riang Kemie", "Flores Timur", Potential.WEAVING),
    VillageInfo("Helanianguwuyo", "Flores Timur", Potential.FISHING),
    VillageInfo("Letekonda", "Sumba Barat Daya", Potential.WEAVING),
    VillageInfo("Walandimu", "Sumba Barat Daya", Potential.LIVESTOCK),
    VillageInfo("Rangga Talo", "Ende", Potential.FARMING),
    VillageInfo("Azuramba Barat", "Ende", Potential.WEAVING),
    VillageInfo("Lefo Kisu", "Alor", Potential.FISHING),
    VillageInfo("Mawar", "Alor", Potential.WEAVING),
    VillageInfo("Namosain", "Kota Kupang", Potential.FISHING),
    VillageInfo("Naimata", "Kota Kupang", Potential.LIVESTOCK),
    VillageInfo("Done", "Sikka", Potential.WEAVING),
    VillageInfo("Dobo", "Sikka", Potential.FARMING),
    VillageInfo("Asomanu", "Belu", Potential.LIVESTOCK),
    VillageInfo("Kabuna", "Belu", Potential.FARMING),
    VillageInfo("Akmen", "Timor Tengah Utara", Potential.WEAVING),
    VillageInfo("Usapinonos", "Timor Tengah Utara", Potential.LIVESTOCK),
)

COHORTS: dict[str, tuple[VillageInfo, ...]] = {"ntt_2017": NTT_2017}
