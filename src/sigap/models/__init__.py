"""ORM models, one module per aggregate. Importing this package registers every table."""

from sigap.models.account import Account
from sigap.models.area import Area, AreaBoundary, BoundaryVersion, Region, RegionLayer
from sigap.models.audit import AdminEvent
from sigap.models.base import Base
from sigap.models.card import (
    Card,
    CardLeg,
    CardTap,
    CardTopup,
    LedgerAccount,
    LedgerEntry,
    LedgerTxn,
    Validator,
)
from sigap.models.category import Category, CategoryQuestion, RoutingRule
from sigap.models.channel import Channel, ChannelMinute
from sigap.models.citizen import ReportComment, ReportFollow, ReportSupport
from sigap.models.event import ReportEvent
from sigap.models.market import (
    MarketBudget,
    MarketGram,
    MarketLicence,
    MarketOrder,
    MarketOrderEvent,
    MarketOrderItem,
    MarketProduct,
    MarketProductPhoto,
    MarketReview,
    MarketSeller,
    MarketVocab,
    MarketWord,
)
from sigap.models.outbox import OutboxMessage
from sigap.models.photo import Photo
from sigap.models.report import IdempotencyKey, Report, ReportReporter
from sigap.models.session import AuthSession, ServerSecret
from sigap.models.stats import (
    MapCell,
    StatArea,
    StatBucket,
    StatHist,
    StatMonth,
    StatUnit,
    StatUnitHist,
)
from sigap.models.throttle import SignInThrottle
from sigap.models.transit import TransitFeed, TransitNetwork, TransitOperator
from sigap.models.unit import Unit
from sigap.models.webhook import WebhookEndpoint

__all__ = [
    "Account",
    "AdminEvent",
    "Area",
    "AreaBoundary",
    "AuthSession",
    "Base",
    "BoundaryVersion",
    "Card",
    "CardLeg",
    "CardTap",
    "CardTopup",
    "Category",
    "CategoryQuestion",
    "Channel",
    "ChannelMinute",
    "IdempotencyKey",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTxn",
    "MapCell",
    "MarketBudget",
    "MarketGram",
    "MarketLicence",
    "MarketOrder",
    "MarketOrderEvent",
    "MarketOrderItem",
    "MarketProduct",
    "MarketProductPhoto",
    "MarketReview",
    "MarketSeller",
    "MarketVocab",
    "MarketWord",
    "OutboxMessage",
    "Photo",
    "Region",
    "RegionLayer",
    "Report",
    "ReportComment",
    "ReportEvent",
    "ReportFollow",
    "ReportReporter",
    "ReportSupport",
    "RoutingRule",
    "ServerSecret",
    "SignInThrottle",
    "StatArea",
    "StatBucket",
    "StatHist",
    "StatMonth",
    "StatUnit",
    "StatUnitHist",
    "TransitFeed",
    "TransitNetwork",
    "TransitOperator",
    "Unit",
    "Validator",
    "WebhookEndpoint",
]
