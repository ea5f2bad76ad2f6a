# The personas of the referral tests (tests/referrals/factories.py).
from tests.referrals.conftest import fast_password_hasher, fresh_engine, w  # noqa: F401
