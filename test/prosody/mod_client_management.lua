-- mod_client_management (xmgr TEST STAND-IN)
--
-- A test double for the community module of the same name, written for xmgr's test bed
-- from the protocol facts in /work/shared/protocol/README.md (it is not the stock code).
-- It has the stock module's name so that module:depends("client_management") works
-- against either one.
--
-- * Records clients from real logins: SASL2 logins keyed by the <user-agent id> (with the
--   <software>/<device> the client sent), legacy logins keyed by their resource (given a
--   short random id). Lists real grants of mod_tokenauth that no client logged in with as
--   grant/<id> (type "access").
-- * Answers the manage-clients `list` and `revoke` IQs an account sends to itself.
-- * Like the stock module (protocol README, "revoking a connected client only disconnects
--   it"): revoking a client that is connected closes its session(s) and returns at once,
--   with no error string, before any token or grant is revoked. The IQ then gets
--   `undefined-condition` (mod_admin_manage_clients turns it into `internal-server-error`);
--   a client that revoked itself gets no reply. The session stays connected until the client
--   answers the stream close or Prosody's close timeout (5 s) passes.
-- * Module functions for other modules: get_active_clients(username) and
--   revoke_client_access(username, selector).

-- luacheck: globals get_active_clients revoke_client_access

local st = require "prosody.util.stanza";
local id = require "prosody.util.id";
local datetime = require "prosody.util.datetime".datetime;
local usermanager = require "prosody.core.usermanager";
local modulemanager = require "prosody.core.modulemanager";

local xmlns_manage_clients = "xmpp:prosody.im/protocol/manage-clients";

local tokenauth = module:depends("tokenauth");

-- username -> { [client id without "client/"] = record }
-- record: { id, first_seen, last_seen, user_agent = { software, software_id, software_version, uri, device },
--           sasl2_client_id = <user-agent id> | nil, resource = <legacy resource> | nil,
--           password_used = <time> | nil, grant_id = <tokenauth grant id> | nil, fast_used = <time> | nil }
local client_store = module:open_store("clients", "keyval+");

local function fast_module()
	return modulemanager.get_module(module.host, "sasl2_fast"); -- the plugin's environment
end

local function password_updated(username)
	local info = usermanager.get_account_info(username, module.host);
	return info and info.password_updated;
end

local function user_sessions(username)
	local user = prosody.hosts[module.host].sessions[username];
	return user and user.sessions or {};
end

-- What the session's authentication was, captured while the SASL handler still exists.
local function capture_auth(session)
	if session.client_management_auth then return; end
	local handler = session.sasl_handler;
	if not handler then return; end
	local auth = { mechanism = handler.selected };
	if handler.fast then
		auth.kind = "fast";
	elseif handler.token_info then
		auth.kind = "grant";
		auth.grant_id = handler.token_info.id;
	else
		auth.kind = "password";
	end
	if session.client_id then -- SASL2 <user-agent id>; mod_sasl2 stores the rest on the handler
		auth.client_id = session.client_id;
		local ua = handler.user_agent;
		auth.user_agent = ua and { software = ua.software, device = ua.device } or nil;
	end
	session.client_management_auth = auth;
end

-- SASL2: after make_authenticated (1000), before bind2 binds the resource (100).
module:hook("sasl2/c2s/success", function (event)
	capture_auth(event.session);
end, 500);

-- Legacy SASL (mod_saslauth fires this before it drops the handler).
module:hook("authentication-success", function (event)
	capture_auth(event.session);
end);

local function find_legacy_record(username, resource)
	local records = client_store:get(username);
	if not records then return; end
	for key, record in pairs(records) do
		if not record.sasl2_client_id and record.resource == resource then
			return key, record;
		end
	end
end

module:hook("resource-bind", function (event)
	local session = event.session;
	local auth = session.client_management_auth;
	if not auth or not session.username then return; end
	local username, now = session.username, os.time();
	local key, record;
	if auth.client_id then
		key = auth.client_id;
		record = client_store:get_key(username, key);
	else
		key, record = find_legacy_record(username, session.resource);
		key = key or id.short();
	end
	if not record then
		record = { id = key, first_seen = now };
	end
	record.last_seen = now;
	record.sasl2_client_id = auth.client_id;
	record.resource = not auth.client_id and session.resource or nil;
	if auth.client_id then
		record.user_agent = auth.user_agent;
	end
	if auth.kind == "password" then
		record.password_used = now;
	elseif auth.kind == "grant" then
		record.grant_id = auth.grant_id;
	elseif auth.kind == "fast" then
		record.fast_used = now;
	end
	client_store:set_key(username, key, record);
	session.client_management_key = key;
	module:log("debug", "Client %s of %s seen (%s login)", key, username, auth.kind);
end);

module:hook("resource-unbind", function (event)
	local session = event.session;
	local key = session.client_management_key;
	if not key or not session.username then return; end
	local record = client_store:get_key(session.username, key);
	if record then
		record.last_seen = os.time();
		client_store:set_key(session.username, key, record);
	end
end);

local function is_connected(username, key)
	for _, session in pairs(user_sessions(username)) do
		if session.client_management_key == key then
			return true;
		end
	end
	return false;
end

local function copy_user_agent(ua)
	if not ua then return nil; end
	return {
		software = ua.software;
		software_id = ua.software_id;
		software_version = ua.software_version;
		uri = ua.uri;
		device = ua.device;
	};
end

local function grant_user_agent(grant)
	local client = grant.data and grant.data.oauth2_client;
	if not client then return nil; end
	return { software = client.name, software_id = client.id, software_version = client.version, uri = client.uri };
end

-- Module function: the account's active clients, sorted by last-seen (oldest first).
function get_active_clients(username)
	local clients = {};
	local pw_updated = password_updated(username);
	local fast = fast_module();
	local grants = tokenauth.get_user_grants(username) or {};
	local used_grants = {};

	for key, record in pairs(client_store:get(username) or {}) do
		local active = {};
		if record.password_used and (not pw_updated or record.password_used >= pw_updated) then
			active.password = record.password_used;
		end
		if record.grant_id then
			used_grants[record.grant_id] = true;
			local grant = grants[record.grant_id];
			if grant then
				active.grant = tokenauth.get_grant_info(username, record.grant_id);
			end
		end
		if record.sasl2_client_id and fast and fast.is_client_fast(username, record.sasl2_client_id, pw_updated) then
			active.fast = record.fast_used or record.last_seen;
		end
		if is_connected(username, key) then
			active.connected = true;
		end
		if next(active) ~= nil then
			table.insert(clients, {
				id = "client/" .. key;
				type = "session";
				first_seen = record.first_seen;
				last_seen = record.last_seen;
				user_agent = copy_user_agent(record.user_agent);
				active = active;
			});
		end
	end

	for grant_id, grant in pairs(grants) do
		if not used_grants[grant_id] then
			table.insert(clients, {
				id = "grant/" .. grant_id;
				type = "access";
				first_seen = grant.created;
				last_seen = grant.accessed;
				expires = grant.expires;
				user_agent = grant_user_agent(grant);
				active = { grant = tokenauth.get_grant_info(username, grant_id) };
			});
		end
	end

	table.sort(clients, function (a, b)
		local la, lb = a.last_seen or 0, b.last_seen or 0;
		if la ~= lb then return la < lb; end
		local fa, fb = a.first_seen or 0, b.first_seen or 0;
		if fa ~= fb then return fa < fb; end
		return a.id < b.id;
	end);
	return clients;
end

local function close_sessions(username, pred)
	for _, session in pairs(user_sessions(username)) do
		if pred(session) then
			session:close({ condition = "not-authorized", text = "Client access revoked" });
		end
	end
end

local function revoke_grant(username, grant_id)
	local ok, err = tokenauth.revoke_grant(username, grant_id);
	if not ok then
		module:log("error", "Could not revoke grant %s of %s: %s", grant_id, username, err);
		return nil, "internal-server-error";
	end
	close_sessions(username, function (session)
		local auth = session.client_management_auth;
		return auth and auth.grant_id == grant_id;
	end);
	return true;
end

local function revoke_client(username, key)
	local record = client_store:get_key(username, key);
	if not record then return nil, "item-not-found"; end
	if is_connected(username, key) then
		-- The stock module's bug, kept on purpose: the close returns nothing, which is read as a
		-- failure, so nothing is revoked. A plain close (no stream error) gets the grace time.
		for _, session in pairs(user_sessions(username)) do
			if session.client_management_key == key then
				session:close();
			end
		end
		return nil;
	end
	local pw_updated = password_updated(username);
	local password_active = record.password_used and (not pw_updated or record.password_used >= pw_updated);
	local grants = tokenauth.get_user_grants(username) or {};
	local grant_active = record.grant_id and grants[record.grant_id];
	local fast = fast_module();
	local fast_active = record.sasl2_client_id and fast and fast.is_client_fast(username, record.sasl2_client_id, pw_updated);
	if not (password_active or grant_active or fast_active) then
		return nil, "item-not-found"; -- not listed any more, nothing left to revoke
	end

	if record.grant_id then
		if grant_active then
			local ok, err = revoke_grant(username, record.grant_id);
			if not ok then return nil, err; end
		end
	end
	if record.sasl2_client_id then
		if fast and not fast.revoke_fast_tokens(username, record.sasl2_client_id) then
			return nil, "internal-server-error";
		end
	end
	if password_active then
		-- Keeps access with the password until it changes; everything else is gone.
		record.grant_id, record.fast_used = nil, nil;
		client_store:set_key(username, key, record);
		return nil, "password-reset-required";
	end
	client_store:set_key(username, key, nil);
	return true;
end

-- Module function: revoke by "client/<id>", "grant/<id>", "software/<name>[/<version>]".
-- Returns true, or nil and "item-not-found" / "password-reset-required" / "internal-server-error",
-- or nil alone when the client was connected (its session is closed, nothing is revoked).
function revoke_client_access(username, selector)
	if type(selector) ~= "string" then return nil, "item-not-found"; end
	local kind, rest = selector:match("^(%w+)/(.+)$");
	if kind == "client" then
		return revoke_client(username, rest);
	elseif kind == "grant" then
		local grants = tokenauth.get_user_grants(username) or {};
		if not grants[rest] then return nil, "item-not-found"; end
		-- A grant some client logged in with is that client's access: revoke the client.
		for key, record in pairs(client_store:get(username) or {}) do
			if record.grant_id == rest then
				return revoke_client(username, key);
			end
		end
		return revoke_grant(username, rest);
	elseif kind == "software" then
		local name, version = rest:match("^([^/]+)/(.+)$");
		name = name or rest;
		for _, client in ipairs(get_active_clients(username)) do
			local ua = client.user_agent;
			if ua and ua.software == name and (not version or ua.software_version == version) then
				return revoke_client_access(username, client.id);
			end
		end
		return nil, "item-not-found";
	end
	return nil, "item-not-found";
end

-- IQs an account sends to itself.

module:hook("iq-get/self/" .. xmlns_manage_clients .. ":list", function (event)
	local origin, stanza = event.origin, event.stanza;
	local reply = st.reply(stanza):tag("clients", { xmlns = xmlns_manage_clients });
	for _, client in ipairs(get_active_clients(origin.username)) do
		local active = client.active;
		reply:tag("client", { id = client.id, type = client.type, connected = active.connected and "true" or "false" });
		if client.first_seen then reply:text_tag("first-seen", datetime(client.first_seen)); end
		if client.last_seen then reply:text_tag("last-seen", datetime(client.last_seen)); end
		reply:tag("auth");
		if active.password then reply:tag("password"):up(); end
		if active.grant then reply:tag("bearer-token"):up(); end
		if active.fast then reply:tag("fast"):up(); end
		reply:up();
		reply:tag("user-agent");
		local ua = client.user_agent;
		if ua then
			if ua.software then
				reply:text_tag("software", ua.software, { id = ua.software_id, version = ua.software_version });
			end
			if ua.device then reply:text_tag("device", ua.device); end
			if ua.uri then reply:text_tag("uri", ua.uri); end
		end
		reply:up();
		reply:up();
	end
	origin.send(reply);
	return true;
end);

module:hook("iq-set/self/" .. xmlns_manage_clients .. ":revoke", function (event)
	local origin, stanza = event.origin, event.stanza;
	local selector = stanza.tags[1].attr.id;
	-- A client that revoked itself is closed by now: Prosody drops whatever is sent to it.
	local ok, err = revoke_client_access(origin.username, selector);
	if ok then
		origin.send(st.reply(stanza));
	elseif err == "item-not-found" then
		origin.send(st.error_reply(stanza, "cancel", "item-not-found", "Client not found"));
	elseif err == "password-reset-required" then
		origin.send(st.error_reply(stanza, "cancel", "service-unavailable", "Password reset required")
			:tag("password-reset-required", { xmlns = xmlns_manage_clients }));
	elseif err == nil then
		origin.send(st.error_reply(stanza, "cancel", "undefined-condition"));
	else
		origin.send(st.error_reply(stanza, "wait", "internal-server-error"));
	end
	return true;
end);
