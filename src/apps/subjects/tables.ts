// subjects app tables (filled in by the subjects app work)
export {};
