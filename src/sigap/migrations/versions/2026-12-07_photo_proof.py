"""Proof of fix: a perceptual hash on every photo and a verdict on after-photos.

Revision ID: 0018_proof
Revises: 0017_assignment
Create Date: 2026-12-07

``photo.phash0``..``phash3`` hold the four 16-bit bands of the picture's perceptual hash
(sigap.photos.phash), each indexed: a copy of any stored photo is found by a few index lookups.
``proof`` is an after-photo's verdict (verified, unverified) and ``proof_notes`` the checks that
could not be made. Photos stored before this revision have no hash: ``sigap photo rehash``
computes it from their stored display files (a migration does not read photo storage).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_proof"
down_revision = "0017_assignment"
branch_labels = None
depends_on = None

BANDS = ("phash0", "phash1", "phash2", "phash3")


def upgrade() -> None:
    for band in BANDS:
        op.add_column("photo", sa.Column(band, sa.Integer))
    op.add_column("photo", sa.Column("proof", sa.String(12)))
    op.add_column("photo", sa.Column("proof_notes", sa.JSON))
    for band in BANDS:
        op.create_index(f"ix_photo_{band}", "photo", [band])


def downgrade() -> None:
    for band in BANDS:
        op.drop_index(f"ix_photo_{band}", table_name="photo")
    with op.batch_alter_table("photo") as batch:
        for column in (*BANDS, "proof", "proof_notes"):
            batch.drop_column(column)
