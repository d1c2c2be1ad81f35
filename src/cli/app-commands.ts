// Commands contributed by apps (wired here so that each app keeps its logic in its own folder).
import type { Command } from './index.ts';

export const appCommands: Command[] = [];
