"""initial catalog

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 21:03:12.133606
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('time', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('target', sa.String(length=100), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_time'), ['time'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('anchored_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The chain head exists from the start: appends lock this one row to serialise.
    op.bulk_insert(
        sa.table('audit_head', sa.column('id', sa.Integer), sa.column('seq', sa.BigInteger),
                 sa.column('hash', sa.String), sa.column('anchored_seq', sa.BigInteger)),
        [{'id': 1, 'seq': 0, 'hash': '0' * 64, 'anchored_seq': 0}],
    )
    op.create_table('categories',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name_zh', sa.String(length=50), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_categories'))
    )
    op.create_table('code_counters',
    sa.Column('prefix', sa.String(length=60), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_code_counters'))
    )
    op.create_table('fonds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fonds')),
    sa.UniqueConstraint('code', name=op.f('uq_fonds_code'))
    )
    op.create_table('index_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_outbox'))
    )
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_outbox_record_id'), ['record_id'], unique=False)

    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=100), nullable=False),
    sa.Column('room', sa.String(length=20), nullable=False),
    sa.Column('row', sa.String(length=10), nullable=False),
    sa.Column('column', sa.String(length=10), nullable=False),
    sa.Column('section', sa.String(length=10), nullable=False),
    sa.Column('layer', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('path', name=op.f('uq_locations_path'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('clearance', sa.String(length=15), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('retention_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=20), nullable=False),
    sa.Column('category_code', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('retention', sa.String(length=5), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_retention_rules_category_code_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rules'))
    )
    op.create_table('volumes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fonds_id', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('retention', sa.String(length=5), nullable=False),
    sa.Column('org_code', sa.String(length=10), nullable=False),
    sa.Column('volume_no', sa.Integer(), nullable=False),
    sa.Column('archival_code', sa.String(length=60), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('secrecy', sa.String(length=15), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_volumes_category_code_categories')),
    sa.ForeignKeyConstraint(['fonds_id'], ['fonds.id'], name=op.f('fk_volumes_fonds_id_fonds')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_volumes_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volumes')),
    sa.UniqueConstraint('archival_code', name=op.f('uq_volumes_archival_code'))
    )
    op.create_table('records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fonds_id', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=2), nullable=False),
    sa.Column('volume_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('retention', sa.String(length=5), nullable=False),
    sa.Column('org_code', sa.String(length=10), nullable=False),
    sa.Column('item_no', sa.Integer(), nullable=True),
    sa.Column('archival_code', sa.String(length=60), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('doc_no', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('addressees', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('secrecy', sa.String(length=15), nullable=False),
    sa.Column('secrecy_term_months', sa.Integer(), nullable=True),
    sa.Column('secrecy_start', sa.Date(), nullable=True),
    sa.Column('declassify_on', sa.Date(), nullable=True),
    sa.Column('secrecy_marking', sa.String(length=40), nullable=False),
    sa.Column('person_name', sa.String(length=50), nullable=False),
    sa.Column('person_id_number', sa.String(length=18), nullable=False),
    sa.Column('person_id_valid', sa.Boolean(), nullable=True),
    sa.Column('personnel_class', sa.String(length=5), nullable=False),
    sa.Column('person_deceased_on', sa.Date(), nullable=True),
    sa.Column('business_step', sa.String(length=10), nullable=False),
    sa.Column('insurance_type', sa.String(length=20), nullable=False),
    sa.Column('disclosure', sa.String(length=15), nullable=False),
    sa.Column('disclosure_reason', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('review_reasons', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=True),
    sa.Column('ocr_confidence', sa.Double(), nullable=True),
    sa.Column('retention_start', sa.Date(), nullable=True),
    sa.Column('retention_due', sa.Date(), nullable=True),
    sa.Column('transfer_due', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_records_category_code_categories')),
    sa.ForeignKeyConstraint(['fonds_id'], ['fonds.id'], name=op.f('fk_records_fonds_id_fonds')),
    sa.ForeignKeyConstraint(['volume_id'], ['volumes.id'], name=op.f('fk_records_volume_id_volumes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records')),
    sa.UniqueConstraint('archival_code', name=op.f('uq_records_archival_code')),
    sa.UniqueConstraint('source_sha256', name=op.f('uq_records_source_sha256'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index('ix_records_person_id', ['person_id_number'], unique=False)
        batch_op.create_index('ix_records_retention_due', ['retention_due'], unique=False)
        batch_op.create_index('ix_records_scope', ['category_code', 'secrecy', 'department'], unique=False)

    op.create_table('objects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=15), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('page_no', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_objects_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objects'))
    )
    with op.batch_alter_table('objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objects_sha256'), ['sha256'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('page_no', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('dpi', sa.Integer(), nullable=True),
    sa.Column('color_mode', sa.String(length=10), nullable=False),
    sa.Column('operator', sa.String(length=50), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('ocr_engine', sa.String(length=20), nullable=False),
    sa.Column('ocr_confidence', sa.Double(), nullable=True),
    sa.Column('ocr_text', sa.Text(), nullable=False),
    sa.Column('blank', sa.Boolean(), nullable=False),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.Column('skew_angle', sa.Double(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_pages_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('record_id', 'page_no', name='uq_pages_record_page')
    )


def downgrade() -> None:
    op.drop_table('pages')
    with op.batch_alter_table('objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objects_sha256'))

    op.drop_table('objects')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_scope')
        batch_op.drop_index('ix_records_retention_due')
        batch_op.drop_index('ix_records_person_id')

    op.drop_table('records')
    op.drop_table('volumes')
    op.drop_table('retention_rules')
    op.drop_table('users')
    op.drop_table('locations')
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_outbox_record_id'))

    op.drop_table('index_outbox')
    op.drop_table('fonds')
    op.drop_table('code_counters')
    op.drop_table('categories')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_time'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
