-- mod_http_muc_kick (xmgr TEST STAND-IN)
--
-- A test double for the community module of the same name, written for xmgr's test bed
-- from /work/shared/protocol/README.md and transcripts/muc-kick-http.txt (not the stock code).
-- Load it on a MUC component:
--
--   Component "chat.example.test" "muc"
--     modules_enabled = { "http_muc_kick" }
--     http_muc_kick_authorization_header = "Basic …"
--
-- POST /muc_kick with a JSON body {"nickname": …, "muc": "room@host", "reason": …?} and an
-- Authorization header equal to the configured string kicks the occupant (status 307).

local json = require "prosody.util.json";
local jid = require "prosody.util.jid";

local authorization = module:get_option_string("http_muc_kick_authorization_header");

local function json_response(status_code, err)
	return {
		status_code = status_code;
		headers = { content_type = "application/json" };
		body = json.encode({ error = err });
	};
end

local function find_room(muc_jid)
	local room_node, room_host = jid.split(muc_jid);
	local host = room_host and prosody.hosts[room_host];
	if not host then
		return nil, ("No such host: %s"):format(tostring(room_host));
	end
	local muc = host.modules.muc;
	if not muc then
		return nil, ("Host '%s' is not a MUC service"):format(room_host);
	end
	local room = muc.get_room_from_jid(jid.bare(muc_jid));
	if not room then
		return nil, ("No MUC '%s' found for host: %s"):format(tostring(room_node), room_host);
	end
	return room;
end

local function handle_kick(event)
	local request = event.request;
	if not authorization or request.headers.authorization ~= authorization then
		return json_response(401, "Authorization failed");
	end

	local body = request.body and json.decode(request.body);
	if type(body) ~= "table" or type(body.nickname) ~= "string" or type(body.muc) ~= "string" then
		return json_response(400, "Missing nickname and/or MUC");
	end

	local room, err = find_room(body.muc);
	if not room then
		return json_response(404, "MUC not found: " .. err);
	end

	local reason = type(body.reason) == "string" and body.reason or nil;
	local ok, err_type, err_condition = room:set_role(true, room.jid .. "/" .. body.nickname, "none", reason);
	if not ok then
		return json_response(400, ("Couldn't kick user: %s: %s"):format(tostring(err_type), tostring(err_condition)));
	end
	module:log("info", "Kicked %s from %s via HTTP", body.nickname, room.jid);
	return { status_code = 200; body = "" };
end

module:depends("http");
module:provides("http", {
	cors = { enabled = true };
	route = {
		["POST"] = handle_kick;
	};
});
