"""loadplan: plans SQLAlchemy loading from what a client asked for."""
