"""Load and fault runs against the local production-like stack (`make soak`), and the
throwaway-stack helper the end-to-end, fuzz and fault tests share."""
