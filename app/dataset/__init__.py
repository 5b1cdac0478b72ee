"""The dataset: seeding the bundle, loading sources into an initiative, and the read views of it."""
