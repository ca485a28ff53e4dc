"""Request and response bodies of the authentication API (``shotline.api.auth``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shotline.inputs import storable
from shotline.models import Role
from shotline.schemas.crud import Password as NewPassword

Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(max_length=254), AfterValidator(storable)]
    password: Password


class LoginOut(BaseModel):
    access_token: str = Field(description="Send it as 'Authorization: Bearer <access_token>'.")
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime


class SessionOut(BaseModel):
    csrf_token: str = Field(
        description="Send it in the X-CSRF-Token header of every request that may change "
        "something (also readable from the shotline_csrf cookie)."
    )
    expires_at: dt.datetime


class MembershipOut(BaseModel):
    project_id: int
    role: Role = Field(
        description="The role on this project (the membership's, else the global one)."
    )


class MeOut(BaseModel):
    id: int
    first_name: str
    last_name: str
    email: str
    role: Role
    department_id: int | None
    projects: list[MembershipOut] = Field(description="The projects the person belongs to.")
    token_kind: Literal["session", "api"] = Field(description="How this request authenticated.")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    expires_in_days: int | None = Field(
        None, ge=1, le=3650, description="None: the token never expires (revoke it instead)."
    )


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret: shown this once, never stored.")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Password
    new_password: NewPassword


class PasswordChanged(BaseModel):
    revoked_tokens: int = Field(
        description="How many other sessions and API tokens of yours were revoked."
    )
