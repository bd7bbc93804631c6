import pytest
from django.contrib.auth.models import Group

from administration import roles as role_names


@pytest.fixture
def roles(db) -> dict[str, Group]:
    """The role groups as the roles migration made them, by name (put back if a transactional test
    emptied the tables)."""
    if not Group.objects.filter(name=role_names.ADMIN).exists():
        role_names.role_groups_sync()
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def ada(user_with_role):
    """An administrator: manages users and reads the configuration history."""
    return user_with_role(
        role_names.ADMIN, username="ada", first_name="Ada", last_name="Admin", email="ada@example.org"
    )


@pytest.fixture
def mo(user_with_role):
    """A marketing analyst: dashboards and exports, no configuration."""
    return user_with_role(role_names.MARKETING, username="mo", first_name="Mo", email="mo@example.org")


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client
