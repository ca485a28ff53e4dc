"""The GraphQL API, built on loadplan.strawberry (its router:
:func:`shotline.graphql.schema.make_router`)."""
