-- Meltano's shared system database (state, run lock) for all workers.
CREATE DATABASE meltano;
