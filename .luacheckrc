-- luacheck configuration for xmgr's Prosody modules (prosody/ and test/prosody/).
-- Run: luacheck test/prosody prosody
std = "lua54"
max_line_length = 150
unused_secondaries = false

-- Globals Prosody gives every plugin's environment.
files["prosody/"] = {
	globals = { "module" };
	read_globals = { "prosody", "hosts" };
}
files["test/prosody/"] = {
	globals = { "module" };
	read_globals = { "prosody", "hosts" };
}
