"""Writing the warehouse: Parquet tables per the contract, built aside and swapped in atomically."""
