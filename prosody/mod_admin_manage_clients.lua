-- mod_admin_manage_clients: lets permitted accounts (by default the host's
-- admins) list and revoke the clients of OTHER local accounts over XMPP.
--
-- It answers the manage-clients `list` and `revoke` IQs sent to another
-- account's bare JID, using the functions of mod_client_management, so the
-- answers have exactly the format of that module's own. IQs an account sends
-- to itself are left to mod_client_management.
--
-- Grant the permission to other roles with, e.g.:
--   add_permissions = { ["prosody:operator"] = { "admin_manage_clients:manage-other-users-clients" } }

local st = require "prosody.util.stanza";
local jid = require "prosody.util.jid";
local datetime = require "prosody.util.datetime".datetime;
local usermanager = require "prosody.core.usermanager";

local client_management = module:depends("client_management");

local xmlns = "xmpp:prosody.im/protocol/manage-clients";
local permission = ":manage-other-users-clients";

module:default_permission("prosody:admin", permission);

local function audit(event, action, selector, outcome)
	local stanza = event.stanza;
	module:log("info", "Client management by %s on account %s: %s%s: %s",
		stanza.attr.from or "?", stanza.attr.to, action,
		selector and (" " .. selector) or "", outcome);
end

-- Returns the target account's username if the sender may act on it;
-- otherwise sends the error reply and returns nil.
-- The permission is checked first, so refused senders learn nothing about
-- whether the account exists.
local function target_of(event, action, selector)
	local stanza = event.stanza;
	if not module:may(permission, event) then
		audit(event, action, selector, "forbidden");
		event.origin.send(st.error_reply(stanza, "auth", "forbidden"));
		return nil;
	end
	local username = jid.node(stanza.attr.to);
	if not (username and usermanager.user_exists(username, module.host)) then
		audit(event, action, selector, "no such account");
		event.origin.send(st.error_reply(stanza, "cancel", "item-not-found", "Account not found"));
		return nil;
	end
	return username;
end

local function client_tag(client)
	local tag = st.stanza("client", {
		id = client.id;
		type = client.type;
		connected = client.active and client.active.connected and "true" or "false";
	});
	if client.first_seen then tag:text_tag("first-seen", datetime(client.first_seen)); end
	if client.last_seen then tag:text_tag("last-seen", datetime(client.last_seen)); end

	local active = client.active or {};
	tag:tag("auth");
	if active.password then tag:tag("password"):up(); end
	if active.grant then tag:tag("bearer-token"):up(); end
	if active.fast then tag:tag("fast"):up(); end
	tag:up();

	local ua = client.user_agent or {};
	tag:tag("user-agent");
	if ua.software then
		tag:text_tag("software", ua.software, { id = ua.software_id; version = ua.software_version });
	end
	if ua.device then tag:text_tag("device", ua.device); end
	if ua.uri then tag:text_tag("uri", ua.uri); end
	tag:up();
	return tag;
end

module:hook("iq-get/bare/" .. xmlns .. ":list", function(event)
	if event.to_self then return; end -- the account itself: mod_client_management answers
	local username = target_of(event, "list");
	if not username then return true; end

	local clients = client_management.get_active_clients(username);
	local reply = st.reply(event.stanza):tag("clients", { xmlns = xmlns });
	for _, client in ipairs(clients) do
		reply:add_child(client_tag(client));
	end
	audit(event, "list", nil, ("ok, %d clients"):format(#clients));
	event.origin.send(reply);
	return true;
end);

local revoke_errors = {
	["item-not-found"] = { "cancel", "item-not-found", "Client not found" };
	["password-reset-required"] = { "cancel", "service-unavailable", "Password reset required" };
};

module:hook("iq-set/bare/" .. xmlns .. ":revoke", function(event)
	if event.to_self then return; end -- the account itself: mod_client_management answers
	local selector = event.stanza.tags[1].attr.id;
	local username = target_of(event, "revoke", selector);
	if not username then return true; end

	if not selector then
		audit(event, "revoke", nil, "bad-request (no id)");
		event.origin.send(st.error_reply(event.stanza, "modify", "bad-request", "Missing client id"));
		return true;
	end

	local ok, err = client_management.revoke_client_access(username, selector);
	audit(event, "revoke", selector, ok and "ok" or tostring(err));
	if ok then
		event.origin.send(st.reply(event.stanza));
		return true;
	end

	local e = revoke_errors[err] or { "wait", "internal-server-error" };
	local reply = st.error_reply(event.stanza, e[1], e[2], e[3]);
	if err == "password-reset-required" then
		reply:tag("password-reset-required", { xmlns = xmlns }):up(); -- inside <error>
	end
	event.origin.send(reply);
	return true;
end);
