// Query Results (GPES-E-Q-QR-Message v6.0): streaming decode and encode.
export {};
