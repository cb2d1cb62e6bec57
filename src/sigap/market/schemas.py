"""The marketplace API's contract (``/api/v1/market``): bodies (``*Create``, ``*Update``,
derived from :class:`sigap.inputs.Input`) and answers (:class:`sigap.kit.Answer`, built as
dicts by :mod:`sigap.market.present`). Money is whole rupiah (integers); times are UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints

from sigap.inputs import Id, Input
from sigap.kit import Answer

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Number = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
Rupiah = Annotated[StrictInt, Field(gt=0, le=100_000_000, description="Whole rupiah")]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Category = Literal["food", "drink", "crafts", "souvenirs"]
FoodClass = Literal["pirt", "fresh", "bpom", "none"]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Action = Literal[
    "accept",
    "decline",
    "ready",
    "pick_up",
    "deliver",
    "cancel",
    "complete",
    "confirm_payment",
    "refund",
]


class SellerCreate(Input):
    name: Name
    description: Text = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    nib: Number = Field(description="Nomor Induk Berusaha: 13 digits")
    pirt: list[Number] = Field(
        default_factory=list,
        max_length=20,
        description="P-IRT numbers: 15 digits each, structure checked",
    )
    halal: list[Number] = Field(
        default_factory=list, max_length=20, description="BPJPH halal certificate numbers (ID...)"
    )
    bpom: list[Number] = Field(
        default_factory=list, max_length=20, description="BPOM registration numbers (MD/ML...)"
    )
    lat: Lat = Field(description="The pickup point")
    lon: Lon
    qris: Annotated[str, StringConstraints(strip_whitespace=True, max_length=512)] | None = Field(
        default=None, description="The shop's static QRIS payload, if it has one"
    )


class ProductCreate(Input):
    name: Name
    description: Text = ""
    category: Category
    food_class: FoodClass = Field(
        default="none",
        description="pirt: packaged, kept over 7 days (P-IRT number); fresh: ready to eat, "
        "kept under 7 days; bpom: outside P-IRT's scope (dairy, meat, fish, baby food...: "
        "an MD/ML number); none: not food",
    )
    price: Rupiah
    stock: Count
    pirt: Number | None = None
    halal: Number | None = None
    bpom: Number | None = None
    opening_hours: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        default=None, description="HH:MM-HH:MM local time, e.g. 07:00-15:00"
    )
    lat: Lat | None = Field(default=None, description="Pickup point (default: the shop's)")
    lon: Lon | None = None
    delivery: list[Code] = Field(
        default_factory=list, max_length=100, description="Kelurahan codes the seller delivers to"
    )
    active: bool = True


class StockUpdate(Input):
    stock: Count


class OrderItemCreate(Input):
    product_id: Id
    quantity: Annotated[int, Field(ge=1, le=1000)]


class OrderCreate(Input):
    items: list[OrderItemCreate] = Field(min_length=1, max_length=50)
    payment: Literal["cash", "qris"]
    delivery_kelurahan: Code | None = Field(default=None, description="None: pickup")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class OrderAction(Input):
    action: Action
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class CuratorVerify(Input):
    licence_id: Id


class CuratorSuspend(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


# --- answers -------------------------------------------------------------------------------


class Badge(Answer):
    kind: str = Field(description="nib, pirt, halal, bpom or curated")
    number: str | None
    verified_at: datetime


class Licence(Answer):
    id: int
    kind: str
    number: str
    expires_year: int | None
    verified_at: datetime | None


class Seller(Answer):
    id: int
    name: str
    description: str
    kelurahan_code: str
    kecamatan_code: str
    lat: float
    lon: float
    accepts_qris: bool
    badges: list[Badge]


class SellerOwn(Seller):
    status: str
    suspended_reason: str | None
    licences: list[Licence]
    phone: str | None


class Thumbnail(Answer):
    url: str
    width: int
    height: int


class ProductPhoto(Answer):
    id: int
    url: str = Field(description="Display size (longest side 1600 px)")
    thumb_url: str = Field(description="Small size (longest side 320 px), for lists")
    width: int
    height: int
    thumb_width: int
    thumb_height: int


class ProductPhotos(Answer):
    items: list[ProductPhoto] = Field(description="In the seller's order; the first in lists")


class PhotoOrder(Input):
    photo_ids: list[Id] = Field(max_length=20, description="Each of the product's photos, once")


class Product(Answer):
    id: int
    seller_id: int
    seller_name: str
    name: str
    description: str
    category: str
    food_class: str
    price: int
    stock: int
    pirt: str | None
    halal: str | None
    bpom: str | None
    opening_hours: str | None
    lat: float
    lon: float
    kelurahan_code: str
    kecamatan_code: str
    delivery: list[str]
    active: bool
    thumbnail: Thumbnail | None = Field(description="The first photo's small size")


class ProductOwn(Product):
    photos: list[ProductPhoto]


class Found(Answer):
    product: Product
    score: float
    distance_m: float | None


class SearchResult(Answer):
    items: list[Found]


class Review(Answer):
    id: int
    stars: int | None = Field(description="null: hidden by a moderator")
    text: str | None = Field(description="null: hidden by a moderator")
    moderated: bool
    created_at: datetime


class Reviews(Answer):
    count: int = Field(description="Visible reviews")
    average: float | None = Field(description="Their average stars; null: none yet")
    items: list[Review] = Field(description="The newest, hidden ones as placeholders")


class ReviewCreate(Input):
    stars: Annotated[StrictInt, Field(ge=1, le=5)]
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class ReviewFull(Answer):
    id: int
    order_id: int
    seller_id: int
    stars: int
    text: str
    hidden: bool
    created_at: datetime


class ProductPage(Product):
    photos: list[ProductPhoto]
    reviews: Reviews


class SellerPage(Answer):
    seller: Seller
    products: list[Product]
    reviews: Reviews


class OrderItem(Answer):
    product_id: int
    name: str
    quantity: int
    price: int


class OrderEvent(Answer):
    action: str
    status: str
    actor: str
    reason: str | None
    at: datetime


class Order(Answer):
    id: int
    seller_id: int
    status: str
    delivery_kelurahan: str | None
    payment_method: str
    payment_state: str
    qris_payload: str | None
    total: int
    note: str
    placed_at: datetime
    changed_at: datetime
    buyer_unit_id: int | None = Field(description="The city unit it was bought for (e-order)")
    items: list[OrderItem]
    allowed: list[str] = Field(description="The actions the caller may take now")


class OrderPage(Order):
    events: list[OrderEvent]


class OrderList(Answer):
    items: list[Order]


class SellerList(Answer):
    items: list[SellerOwn]


class Sales(Answer):
    day: str = Field(description="The local day (YYYY-MM-DD)")
    orders: int
    total: int = Field(description="Whole rupiah, orders not declined, cancelled or expired")


class Products(Answer):
    items: list[ProductOwn]


OrderStatus = Literal[
    "placed",
    "accepted",
    "declined",
    "ready",
    "picked_up",
    "delivered",
    "completed",
    "cancelled",
    "expired",
]
SellerStatus = Literal["pending", "active", "suspended"]
