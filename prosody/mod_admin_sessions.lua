-- mod_admin_sessions: the client sessions of the host with what prosodyctl shell c2s:show() shows
-- (session id, role, IP version, presence, TLS, stream management, CSI) and when each was created,
-- over XMPP. mod_admin_adhoc's get-online-users-list gives only resource, show, priority and IP.
-- One ad-hoc command at the host JID:
--
--   xmgr:c2s#list → sessions: one JSON object a line, sorted by JID:
--     { "id", "jid", "role", "ip", "status" ("" without presence, "online", or the <show/>),
--       "priority", "tls" ("insecure", "secure" or the TLS version), "sm" ("yes", "no",
--       "hibernating"), "csi" (the Client State Indication state, if any), "created" (Unix time) }
--
-- It needs prosody:admin by default (the permission "adhoc:xmgr:c2s#list"), as mod_admin_adhoc's
-- get-online-users-list.

local dataforms_new = require "prosody.util.dataforms".new;
local json = require "prosody.util.json";

module:depends("adhoc");
local adhoc_new = module:require "adhoc".new;

local host = module.host;

local result_layout = dataforms_new{
	{ name = "sessions", type = "text-multi", label = "The client sessions, one JSON object a line" };
};

local function tls_of(session)
	if not session.secure then return "insecure"; end
	local conn = session.conn;
	local info = conn and conn.ssl_info and conn:ssl_info();
	return info and info.protocol or "secure";
end

local function session_row(session)
	local presence = session.presence;
	local role = session.role and session.role.name;
	return {
		id = session.id;
		jid = session.full_jid;
		role = role or json.null;
		ip = session.ip or json.null;
		status = presence and (presence:get_child_text("show") or "online") or "";
		priority = session.priority or json.null;
		tls = tls_of(session);
		sm = (not session.smacks and "no") or (session.hibernating and "hibernating") or "yes";
		csi = session.state or json.null;
		created = session.conntime and math.floor(session.conntime) or json.null;
	};
end

local function handler(_, data)
	if data.action == "cancel" then return { status = "canceled" }; end
	local rows = {};
	for _, user in pairs(prosody.hosts[host].sessions or {}) do
		for _, session in pairs(user.sessions or {}) do
			if session.full_jid then rows[#rows + 1] = session_row(session); end
		end
	end
	table.sort(rows, function (a, b) return a.jid < b.jid; end);
	local lines = {};
	for i, row in ipairs(rows) do lines[i] = json.encode(row); end
	return { status = "completed", result = { layout = result_layout, values = { sessions = table.concat(lines, "\n") } } };
end

module:provides("adhoc", adhoc_new("List client sessions", "xmgr:c2s#list", handler, "admin"));
