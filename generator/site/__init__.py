"""The site wing: pages, agenda, dashboard, the offline bundle, the server and the mkdocs adapter."""
