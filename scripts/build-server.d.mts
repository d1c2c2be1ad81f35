// Types of scripts/build-server.mjs for the TypeScript code that uses it (bench, tests).
export declare const ROOT: string;
export declare const SRC_DIR: string;
export declare const DIST_DIR: string;
export declare function sourceFingerprint(srcDir?: string, extra?: string[]): string;
export declare function buildIsCurrent(distDir?: string, srcDir?: string, extra?: string[]): boolean;
export declare function buildServer(opts?: { srcDir?: string; distDir?: string; extra?: string[] }): Promise<void>;
