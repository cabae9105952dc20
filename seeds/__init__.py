"""Data to start from: the reference catalogue (every institution) and the demo university."""
