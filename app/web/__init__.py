"""Server-rendered pages (templates and static assets served by the app)."""
