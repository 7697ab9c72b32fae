"""Dashboard support: warehouse access, named queries, charts, filters and exports."""
