// actions app tables (filled in by the actions app work)
export {};
