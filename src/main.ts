// The entry of bundle/xmgr.cjs (scripts/bundle.mjs), the file bin/xmgr runs.
import { start } from "./start.js";

start(__dirname);
