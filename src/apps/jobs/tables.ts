// jobs app tables (filled in by the jobs app work)
export {};
