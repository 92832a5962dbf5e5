"""A W&B-compatible server (GraphQL, file_stream, file storage on SQLite): `wbtui sandbox`."""
