// experiments app tables (filled in by the experiments app work)
export {};
