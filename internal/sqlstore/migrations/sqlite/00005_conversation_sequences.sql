-- +goose Up
-- PostgreSQL moves conversation numbers to sequences; SQLite's single
-- writer keeps the counter row.
SELECT 1;

-- +goose Down
SELECT 1;
