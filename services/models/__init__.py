"""Service domain models, split by concern; import from here."""

from .certificates import (
    CertificateEntryPage,
    CertificateIndexPage,
    CertificateListKind,
    CertificateListPage,
)
from .guide_parts import FAQ, Condition, ItemPlace, LegalBasis, Material, Step
from .index import ServiceIndexPage
from .item import GUIDE_SECTIONS, ServiceItemPage
from .review import UnitReviewTask
from .taxonomy import LifeEvent, ResponsibleUnit, ServiceCategory

__all__ = [
    "FAQ",
    "GUIDE_SECTIONS",
    "CertificateEntryPage",
    "CertificateIndexPage",
    "CertificateListKind",
    "CertificateListPage",
    "Condition",
    "ItemPlace",
    "LegalBasis",
    "LifeEvent",
    "Material",
    "ResponsibleUnit",
    "ServiceCategory",
    "ServiceIndexPage",
    "ServiceItemPage",
    "Step",
    "UnitReviewTask",
]
