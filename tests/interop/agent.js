'use strict';
// One official-SDK instance (@tencentcloud/chat 3.6.6) in a Node process,
// driven by tests/tests/interop.rs.
//
// stdin: one JSON command per line, {"id": n, "op": "...", ...}.
// stdout: one JSON record per line, each with `k` (kind) and `t` (Unix ms):
//   {"k":"hello"}                                      the agent is up
//   {"k":"result","id":n,"ok":true,"data":...}         a command's promise resolved
//   {"k":"result","id":n,"ok":false,"code":..,"message":..}   ... or rejected
//   {"k":"event","name":"SDK_READY","data":...}       an EVENT fired (name = the EVENT key)
//   {"k":"log","class":"error"|"warn","level":..,"text":..}   an SDK log line that
//                                                      looks like an error or a warning
//   {"k":"up","conn":c,"servcmd":..,"seq":..,"body":..}      a frame the SDK sent
//   {"k":"down","conn":c,"servcmd":..,"seq":..,"body":..}    a frame the SDK received
//   {"k":"ws","conn":c,"ev":"open"|"close"|"error",...}      its WebSocket's life
//   {"k":"fatal","text":"..."}                          an uncaught exception
//   {"k":"unhandled","text":"..."}                      an unhandled promise rejection
// Frames are recorded by a thin subclass of the `ws` client installed as
// global.WebSocket: the SDK itself is not modified or patched.
//
// Commands: create {sdkAppID, proxyServer, logLevel}, login {userID, userSig},
// logout, destroy, isReady, logLines, exit; and, outside the SDK,
// rawLogin {proxyServer, sdkAppID, platform, userID, userSig}: a bare
// wslogin on a socket of its own, as another device or platform would make
// it (the URL's `platform` decides the server's platform class).
//
// Messages and conversations (issue 8), one command per official API:
//   sendText {to, text, needReadReceipt?, isSupportExtension?, cloudCustomData?}
//   sendCustom {to, data, description?, extension?, needReadReceipt?, isSupportExtension?}
//     (createCustomMessage + sendMessage)
//   revokeMessage {messageID}            modifyMessage {messageID, text? | data?, description?,
//                                                       extension?, cloudCustomData?}
//   deleteMessage {messageIDs}           findMessage {messageID}
//   setMessageRead {conversationID}      sendMessageReadReceipt {messageIDs}
//   getMessageReadReceiptList {messageIDs}
//   setMessageExtensions {messageID, extensions: [{key, value}]}
//   getMessageExtensions {messageID}     deleteMessageExtensions {messageID, keyList?}
//   getMessageList {conversationID, nextReqMessageID?}
//   getConversationList {conversationIDList?}   getConversationProfile {conversationID}
//   deleteConversation {conversationID}  pinConversation {conversationID, isPinned}
//   setConversationDraft {conversationID, draftText}   getTotalUnreadMessageCount
//   createConversationGroup {groupName, conversationIDList}
//   addConversationsToGroup / deleteConversationsFromGroup {groupName, conversationIDList}
//   renameConversationGroup {oldName, newName}   deleteConversationGroup {groupName}
//   getConversationGroupList
// Groups (issue 16), one command per official API:
//   createGroup {type, name, groupID?, joinOption?, memberList?: [userID]}
//   joinGroup {groupID, applyMessage?}   quitGroup {groupID}   dismissGroup {groupID}
//   getGroupList   getGroupProfile {groupID}   sendGroupText {groupID, text, needReadReceipt?, isSupportExtension?}
//   getGroupMessageReadMemberList {messageID, filter, cursor?, count?}
//   addGroupMember {groupID, userIDList}   deleteGroupMember {groupID, userIDList, reason?}
//   setGroupMemberRole {groupID, userID, role}   setGroupMemberMuteTime {groupID, userID, muteTime}
//   setGroupMemberNameCard {groupID, userID?, nameCard}   getGroupMemberList {groupID, count?, offset?}
//   getGroupMemberProfile {groupID, userIDList}   updateGroupProfile {groupID, name?, muteAllMembers?, ...}
//   changeGroupOwner {groupID, newOwnerID}   searchGroupByID {groupID}
//   getGroupApplicationList   handleGroupApplication {handleAction, applicantID, groupID}
// Group attributes and counters (issue 17), one command per official API:
//   initGroupAttributes / setGroupAttributes {groupID, groupAttributes}
//   deleteGroupAttributes / getGroupAttributes {groupID, keyList?}
//   setGroupCounters {groupID, counters}   getGroupCounters {groupID, keyList?}
//   increaseGroupCounter / decreaseGroupCounter {groupID, key, value}
// Communities and topics (issue 17), one command per official API:
//   getJoinedCommunityList   getTopicList {groupID, topicIDList?}
//   createTopicInCommunity {groupID, topicName, topicID?, introduction?, ...}
//   updateTopicProfile {groupID, topicID, topicName?, introduction?, ...}
//   deleteTopicFromCommunity {groupID, topicIDList}
//   (a topic text is sendGroupText with groupID = the topic ID)
// Groups are reported through groupView.
// Friend groups (issue 18), one command per official API:
//   getFriendGroupList   createFriendGroup {name, userIDList?}
//   renameFriendGroup {oldName, newName}   deleteFriendGroup {name}
//   addToFriendGroup / removeFromFriendGroup {name, userIDList}
// Files (issue 19), with tim-upload-plugin registered when `create` has
// uploadPlugin:true (and fileUploadProxy / fileDownloadProxy passed on):
//   sendMerger {to, group?, messageIDs, title, abstractList, compatibleText}
//   downloadMerger {messageID}         sendForward {to, group?, messageID}
//   sendFile {to, name, base64, type?}   (createFileMessage with
//     payload.file = {files:[File]}, the shape Node needs, + sendMessage;
//     reports the onProgress fractions seen as `progress`)
//   fetchUrl {url}                       (a GET outside the SDK: {status, base64})
//   sendMedia {kind: image|video|audio, to, name, base64, type?, second?}
//     (createImageMessage / createVideoMessage / createAudioMessage with the
//     same {files:[File]}; for images `window.URL.createObjectURL` is shimmed
//     at the first call, after login, as messages-facts §5.1 says)
// Node has no XMLHttpRequest, which the plugin's web path uses: a minimal
// one over fetch is installed below (messages-facts §5.1).
// Commands name messages by ID: the agent keeps every SDK Message object it
// saw (sent, MESSAGE_RECEIVED, MESSAGE_MODIFIED, getMessageList results) in a
// map by ID, falling back to the SDK's findMessage. Messages and
// conversations are reported through messageView / conversationView.

const zlib = require('zlib');
const readline = require('readline');

const out = (record) => {
  record.t = Date.now();
  process.stdout.write(JSON.stringify(record) + '\n');
};

// The SDK logs through console.* (stdout is ours, so every console call is
// captured here). A line is reported when it looks like an error or a
// warning; the rest are only counted (TCCHAT_INTEROP_ALL_LOGS=1 reports
// them too, with "class":"info").
//   error: console.error, or words the SDK uses when something went wrong,
//          including the symptoms of malformed replies listed in
//          ../shared/reference/protocol-facts.md section 7 ("fail:1",
//          "_parse failed", "Invalid message format", "$cookie:undefined",
//          "friendCount:undefined", "purchasebits:undefined",
//          "unknown eventItem");
//   warn:  console.warn, except the two informational lines the SDK always
//          prints at that level ("SDK is ready. cost N ms", "destroy ...").
const PREFIX = /^%c Chat %c .*?transparent (?=\d\d:\d\d:\d\d\.\d{3} )/;
const ERRORISH = /\b(error|errors|failed|failure|invalid|exception|timeout|timed out|cannot|unknown eventItem)\b|fail:[1-9]|:undefined\b/i;
// `name:undefined` in a debug line is a symptom of a reply missing a field,
// except for these arguments, which the SDK prints as undefined when the app
// did not pass them (the first getMessageExtensions has no start sequence,
// a first getMessageList no nextReqMessageID, getConversationList() no
// options), and the AVChatRoom-only keys of an apply_join_group reply that
// the SDK prints for every join (longPollingKey, startSeq, avChatRoomFlag:
// the reply recorded in frames/group_lifecycle.json #55 has none of them).
// getGroupMemberList prints `role:undefined` when the app asks for every
// role. The group attribute and counter handlers print `avChatRoomKey`
// (the AVChatRoom join key) for every group, undefined outside a live room.
const BENIGN_UNDEFINED = /\b(startSequence|nextReqMessageID|options|longPollingKey|startSeq|avChatRoomFlag|role|avChatRoomKey):undefined\b/g;
const INFORMATIONAL_WARN = [/^\S+ SDK is ready\. cost \d+ ms$/, /^\S+ destroy \d+ \w+$/];
const ALL_LOGS = process.env.TCCHAT_INTEROP_ALL_LOGS === '1';
let logLines = 0;
for (const level of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[level] = (...args) => {
    logLines += 1;
    const text = args
      .map((a) => {
        if (typeof a === 'string') return a;
        if (a instanceof Error) return `${a.name}: ${a.message}`;
        try { return JSON.stringify(a); } catch (_) { return String(a); }
      })
      .join(' ')
      .replace(PREFIX, '')
      .trim();
    let cls = 'info';
    if (level === 'error' || ERRORISH.test(text.replace(BENIGN_UNDEFINED, ''))) cls = 'error';
    else if (level === 'warn' && !INFORMATIONAL_WARN.some((re) => re.test(text))) cls = 'warn';
    if (cls !== 'info' || ALL_LOGS) out({ k: 'log', class: cls, level, text: text.slice(0, 2000) });
  };
}

const WS = require('ws');

function decodeFrame(data) {
  let buf;
  if (Buffer.isBuffer(data)) buf = data;
  else if (data instanceof ArrayBuffer) buf = Buffer.from(data);
  else if (Array.isArray(data)) buf = Buffer.concat(data);
  else if (typeof data === 'string') buf = Buffer.from(data, 'utf8');
  else buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let compressed = null;
  if (buf.length >= 4 && buf.subarray(0, 4).toString('latin1') === 'COMP') {
    const payload = buf.subarray(4);
    compressed = payload[0] === 0x1f && payload[1] === 0x8b ? 'gzip' : 'zlib';
    buf = compressed === 'gzip' ? zlib.gunzipSync(payload) : zlib.inflateSync(payload);
  }
  const frame = JSON.parse(buf.toString('utf8'));
  return { frame, compressed, bytes: buf.length };
}

let nextConn = 0;
class TapWebSocket extends WS {
  constructor(url, ...rest) {
    super(url, ...rest);
    const conn = ++nextConn;
    this._tapConn = conn;
    out({ k: 'ws', conn, ev: 'connecting', url: String(url) });
    this.on('open', () => out({ k: 'ws', conn, ev: 'open' }));
    this.on('close', (code, reason) => out({ k: 'ws', conn, ev: 'close', code, reason: String(reason || '') }));
    this.on('error', (err) => out({ k: 'ws', conn, ev: 'error', text: String(err && err.message) }));
    this.on('message', (data, isBinary) => {
      try {
        const { frame, compressed } = decodeFrame(data);
        const head = frame.head || {};
        out({ k: 'down', conn, binary: isBinary !== false, compressed, servcmd: head.servcmd, seq: head.seq, body: frame.body });
      } catch (err) {
        out({ k: 'down', conn, undecodable: String(err && err.message) });
      }
    });
  }

  send(data, ...rest) {
    try {
      const { frame } = decodeFrame(data);
      const head = frame.head || {};
      out({ k: 'up', conn: this._tapConn, servcmd: head.servcmd, seq: head.seq, reqtime: head.reqtime, a2: head.a2 ? true : false, body: frame.body });
    } catch (err) {
      out({ k: 'up', conn: this._tapConn, undecodable: String(err && err.message) });
    }
    return super.send(data, ...rest);
  }
}
global.WebSocket = TapWebSocket;

const TencentCloudChat = require('@tencentcloud/chat');

// Keep a record's data small and acyclic.
function plain(value, depth = 0, seen = new Set()) {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? undefined : value;
  }
  if (seen.has(value) || depth > 5) return '[…]';
  seen.add(value);
  let result;
  if (Array.isArray(value)) {
    result = value.slice(0, 50).map((v) => plain(v, depth + 1, seen));
  } else {
    result = {};
    for (const key of Object.keys(value).slice(0, 60)) {
      if (key.startsWith('_')) continue;
      const v = plain(value[key], depth + 1, seen);
      if (v !== undefined) result[key] = v;
    }
  }
  seen.delete(value);
  return result;
}

function messageView(m) {
  if (!m || typeof m !== 'object') return m;
  return {
    ID: m.ID,
    conversationID: m.conversationID,
    conversationType: m.conversationType,
    from: m.from,
    to: m.to,
    flow: m.flow,
    type: m.type,
    text: m.payload && m.payload.text,
    payload: plain(m.payload),
    time: m.time,
    clientTime: m.clientTime,
    sequence: m.sequence,
    random: m.random,
    senderTinyID: m.senderTinyID,
    status: m.status,
    isRead: m.isRead,
    isPeerRead: m.isPeerRead,
    isRevoked: m.isRevoked,
    revoker: m.revoker,
    revokeReason: m.revokeReason,
    isModified: m.isModified,
    version: m.version,
    isDeleted: m.isDeleted,
    needReadReceipt: m.needReadReceipt,
    readReceiptInfo: plain(m.readReceiptInfo),
    isSupportExtension: m.isSupportExtension,
    cloudCustomData: m.cloudCustomData,
  };
}

function conversationView(c) {
  if (!c || typeof c !== 'object') return c;
  const last = c.lastMessage || {};
  return {
    conversationID: c.conversationID,
    type: c.type,
    unreadCount: c.unreadCount,
    isPinned: c.isPinned,
    draftText: c.draftText,
    conversationGroupList: plain(c.conversationGroupList),
    markList: plain(c.markList),
    messageRemindType: c.messageRemindType,
    peerReadTime: c.peerReadTime,
    lastMessage: {
      messageForShow: last.messageForShow,
      lastTime: last.lastTime,
      lastSequence: last.lastSequence,
      fromAccount: last.fromAccount,
      isRevoked: last.isRevoked,
      isPeerRead: last.isPeerRead,
      type: last.type,
      payload: plain(last.payload),
      version: last.version,
    },
  };
}

function groupView(g) {
  if (!g || typeof g !== 'object') return g;
  return {
    groupID: g.groupID,
    name: g.name,
    type: g.type,
    ownerID: g.ownerID,
    memberCount: g.memberCount,
    joinOption: g.joinOption,
    nextMessageSeq: g.nextMessageSeq,
    muteAllMembers: g.muteAllMembers,
    selfInfo: plain(g.selfInfo),
  };
}

// Every SDK Message object seen, by ID (bounded: the oldest entries go
// first past MAX_MESSAGES; a scenario holds a few dozen).
const MAX_MESSAGES = 10000;
const messages = new Map();
function remember(m) {
  if (!m || typeof m !== 'object' || typeof m.ID !== 'string' || !m.ID) return;
  messages.delete(m.ID);
  messages.set(m.ID, m);
  if (messages.size > MAX_MESSAGES) messages.delete(messages.keys().next().value);
}
function messageById(id) {
  let m = messages.get(id);
  if (!m && chat) m = chat.findMessage(id);
  if (!m) {
    const err = new Error(`the agent never saw a message with ID ${id}`);
    err.code = -2;
    throw err;
  }
  return m;
}
const messagesByIds = (ids) => (ids || []).map(messageById);

// Events whose data is a list of Message objects.
const MESSAGE_LIST_EVENTS = ['MESSAGE_RECEIVED', 'MESSAGE_MODIFIED', 'MESSAGE_REVOKED', 'MESSAGE_READ_BY_PEER'];

let chat = null;
// Sockets of rawLogin, kept open until the agent exits.
const rawSockets = [];

function rawLogin(cmd) {
  return new Promise((resolve, reject) => {
    const instanceid = require('crypto').randomBytes(16).toString('hex');
    const url = `${cmd.proxyServer}/binfo?sdkappid=${cmd.sdkAppID}&instanceid=${instanceid}`
      + `&random=${Math.random()}&platform=${cmd.platform}&host=unknown&version=-1&sdkversion=raw&compress=gzip`;
    const ws = new WS(url);
    rawSockets.push(ws);
    const seq = Math.floor(Math.random() * 1e8);
    ws.on('error', (err) => reject(new Error(`rawLogin socket: ${err.message}`)));
    ws.on('open', () => {
      const frame = {
        head: {
          ver: 'v4', platform: cmd.platform, websdkappid: 537048168, websdkversion: '1.7.3',
          status_instid: 0, sdkappid: cmd.sdkAppID, contenttype: 'json',
          reqtime: Math.floor(Date.now() / 1000), identifier: cmd.userID, usersig: cmd.userSig,
          sdkability: 75689843, sdkability_ext: '', cappid: 0, cs: 0,
          servcmd: 'im_open_status.wslogin', seq,
        },
        body: { State: 'Online', is_web_uniapp: 0, InstType: 0, CustomInfo: '' },
      };
      ws.send(Buffer.from(JSON.stringify(frame)));
    });
    ws.on('message', (data) => {
      try {
        const { frame } = decodeFrame(data);
        if (frame.head && frame.head.servcmd === 'im_open_status.wslogin' && frame.head.seq === seq) {
          resolve(frame.body);
        }
      } catch (err) {
        reject(err);
      }
    });
  });
}

function listenToEverything(instance) {
  for (const [key, name] of Object.entries(TencentCloudChat.EVENT)) {
    instance.on(name, (event) => {
      let data = event && event.data;
      if (MESSAGE_LIST_EVENTS.includes(key) && Array.isArray(data)) {
        if (key === 'MESSAGE_RECEIVED' || key === 'MESSAGE_MODIFIED') data.forEach(remember);
        data = data.map(messageView);
      } else if (key === 'GROUP_LIST_UPDATED' && Array.isArray(data)) {
        data = data.map(groupView);
      } else if (key === 'CONVERSATION_LIST_UPDATED' && Array.isArray(data)) {
        data = data.map(conversationView);
      } else if (key === 'CONVERSATION_IN_GROUP_UPDATED' && data && Array.isArray(data.conversationList)) {
        data = { groupName: data.groupName, conversationList: data.conversationList.map(conversationView) };
      } else {
        data = plain(data);
      }
      out({ k: 'event', name: key, data });
    });
  }
}

// The XMLHttpRequest subset tim-upload-plugin uses: open, setRequestHeader,
// send, upload.onprogress, onload / onerror, status, responseText.
class ShimXhr {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.statusText = '';
    this.responseText = '';
    this.response = '';
    this.responseType = '';
    this.upload = {};
    this.headers = {};
    this.responseHeaders = '';
  }
  open(method, url) { this.method = method; this.url = url; this.readyState = 1; }
  setRequestHeader(name, value) { this.headers[name] = value; }
  getAllResponseHeaders() { return this.responseHeaders; }
  getResponseHeader() { return null; }
  abort() { this.aborted = true; }
  send(body) {
    const total = body && typeof body.size === 'number' ? body.size : 0;
    fetch(this.url, { method: this.method, body, headers: this.headers })
      .then(async (res) => {
        if (this.upload.onprogress) this.upload.onprogress({ loaded: total, total, lengthComputable: true });
        this.status = res.status;
        this.statusText = res.statusText;
        this.responseText = await res.text();
        this.response = this.responseText;
        this.responseHeaders = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\r\n');
        this.readyState = 4;
        if (this.onreadystatechange) this.onreadystatechange();
        if (this.onload) this.onload();
      })
      .catch((err) => {
        this.readyState = 4;
        if (this.onerror) this.onerror(err);
      });
  }
}

// The `Image` the SDK loads a download URL into to measure it (the pre_sig
// path, messages-facts §5.1): fetches the URL and reads a PNG header.
class ShimImage {
  set src(url) {
    this._src = url;
    fetch(url)
      .then((res) => res.arrayBuffer())
      .then((buf) => {
        const b = Buffer.from(buf);
        if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
        this.width = this.naturalWidth = b.readUInt32BE(16);
        this.height = this.naturalHeight = b.readUInt32BE(20);
        if (this.onload) this.onload();
      })
      .catch((err) => { if (this.onerror) this.onerror(err); });
  }
  get src() { return this._src; }
}

const ops = {
  create(cmd) {
    if (cmd.uploadPlugin) global.XMLHttpRequest = ShimXhr;
    const options = { SDKAppID: cmd.sdkAppID, proxyServer: cmd.proxyServer };
    if (cmd.fileUploadProxy) options.fileUploadProxy = cmd.fileUploadProxy;
    if (cmd.fileDownloadProxy) options.fileDownloadProxy = cmd.fileDownloadProxy;
    chat = TencentCloudChat.create(options);
    if (cmd.uploadPlugin) chat.registerPlugin({ 'tim-upload-plugin': require('tim-upload-plugin') });
    chat.setLogLevel(cmd.logLevel === undefined ? 0 : cmd.logLevel);
    listenToEverything(chat);
    return { version: TencentCloudChat.VERSION };
  },
  async login(cmd) {
    const res = await chat.login({ userID: cmd.userID, userSig: cmd.userSig });
    return plain(res.data);
  },
  async sendText(cmd) {
    const message = chat.createTextMessage({
      to: cmd.to,
      conversationType: TencentCloudChat.TYPES.CONV_C2C,
      payload: { text: cmd.text },
      needReadReceipt: cmd.needReadReceipt === true,
      isSupportExtension: cmd.isSupportExtension === true,
      cloudCustomData: cmd.cloudCustomData || '',
    });
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return messageView(res.data.message);
  },
  async sendFile(cmd) {
    const file = new File([Buffer.from(cmd.base64, 'base64')], cmd.name, { type: cmd.type || 'application/octet-stream' });
    const progress = [];
    const message = chat.createFileMessage({
      to: cmd.to,
      conversationType: TencentCloudChat.TYPES.CONV_C2C,
      payload: { file: { files: [file] } },
      onProgress: (p) => progress.push(p),
    });
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return Object.assign(messageView(res.data.message), { progress });
  },
  async sendMedia(cmd) {
    const type = cmd.type || { image: 'image/png', video: 'video/mp4', audio: 'audio/mp4' }[cmd.kind];
    const file = new File([Buffer.from(cmd.base64, 'base64')], cmd.name, { type });
    if (cmd.kind === 'image' && global.window === undefined) {
      global.window = { URL: { createObjectURL: () => 'blob:agent-preview' } };
    }
    if (cmd.kind === 'image' && global.Image === undefined) global.Image = ShimImage;
    const progress = [];
    const options = {
      to: cmd.to,
      conversationType: TencentCloudChat.TYPES.CONV_C2C,
      payload: { file: { files: [file] } },
      onProgress: (p) => progress.push(p),
    };
    let message;
    if (cmd.kind === 'image') {
      message = chat.createImageMessage(options);
    } else if (cmd.kind === 'video') {
      message = chat.createVideoMessage(options);
    } else if (cmd.kind === 'audio') {
      // The web path takes the recorder's file itself, with its duration.
      file.duration = (cmd.second || 1) * 1000;
      options.payload = { file };
      message = chat.createAudioMessage(options);
    } else {
      throw new Error('unknown media kind ' + cmd.kind);
    }
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return Object.assign(messageView(res.data.message), { progress });
  },
  async sendMerger(cmd) {
    const message = chat.createMergerMessage({
      to: cmd.to,
      conversationType: cmd.group ? TencentCloudChat.TYPES.CONV_GROUP : TencentCloudChat.TYPES.CONV_C2C,
      payload: {
        messageList: cmd.messageIDs.map(messageById),
        title: cmd.title,
        abstractList: cmd.abstractList,
        compatibleText: cmd.compatibleText,
      },
    });
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return messageView(res.data.message);
  },
  async downloadMerger(cmd) {
    const res = await chat.downloadMergerMessage(messageById(cmd.messageID));
    const m = res && res.data !== undefined ? res.data : res;
    const list = (m && m.payload && m.payload.messageList) || [];
    // The nested texts, which plain() abridges at its depth limit.
    const texts = list.map((n) => (n.messageBody && n.messageBody[0] && n.messageBody[0].payload ? n.messageBody[0].payload.text : null));
    return Object.assign(plain(m), { nestedTexts: texts });
  },
  async sendForward(cmd) {
    const message = chat.createForwardMessage({
      to: cmd.to,
      conversationType: cmd.group ? TencentCloudChat.TYPES.CONV_GROUP : TencentCloudChat.TYPES.CONV_C2C,
      payload: messageById(cmd.messageID),
    });
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return messageView(res.data.message);
  },
  async fetchUrl(cmd) {
    const res = await fetch(cmd.url);
    const buf = Buffer.from(await res.arrayBuffer());
    return { status: res.status, base64: buf.toString('base64') };
  },
  async sendCustom(cmd) {
    const message = chat.createCustomMessage({
      to: cmd.to,
      conversationType: TencentCloudChat.TYPES.CONV_C2C,
      payload: { data: cmd.data, description: cmd.description || '', extension: cmd.extension || '' },
      needReadReceipt: cmd.needReadReceipt === true,
      isSupportExtension: cmd.isSupportExtension === true,
    });
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return messageView(res.data.message);
  },
  async revokeMessage(cmd) {
    const res = await chat.revokeMessage(messageById(cmd.messageID));
    return messageView(res.data.message);
  },
  async modifyMessage(cmd) {
    // As an app does: change the held message, then ask for the change.
    const message = messageById(cmd.messageID);
    if (cmd.text !== undefined) message.payload.text = cmd.text;
    if (cmd.data !== undefined) message.payload.data = cmd.data;
    if (cmd.description !== undefined) message.payload.description = cmd.description;
    if (cmd.extension !== undefined) message.payload.extension = cmd.extension;
    if (cmd.cloudCustomData !== undefined) message.cloudCustomData = cmd.cloudCustomData;
    const res = await chat.modifyMessage(message);
    remember(res.data.message);
    return messageView(res.data.message);
  },
  async deleteMessage(cmd) {
    const res = await chat.deleteMessage(messagesByIds(cmd.messageIDs));
    return { messageList: (res.data.messageList || []).map(messageView) };
  },
  findMessage(cmd) {
    return messageView(chat.findMessage(cmd.messageID)) || null;
  },
  async setMessageRead(cmd) {
    const res = await chat.setMessageRead({ conversationID: cmd.conversationID });
    return plain(res.data);
  },
  async sendMessageReadReceipt(cmd) {
    const res = await chat.sendMessageReadReceipt(messagesByIds(cmd.messageIDs));
    return plain(res.data);
  },
  async getMessageReadReceiptList(cmd) {
    const res = await chat.getMessageReadReceiptList(messagesByIds(cmd.messageIDs));
    return { messageList: (res.data.messageList || []).map(messageView) };
  },
  async setMessageExtensions(cmd) {
    const res = await chat.setMessageExtensions(messageById(cmd.messageID), cmd.extensions);
    return plain(res.data);
  },
  async getMessageExtensions(cmd) {
    const res = await chat.getMessageExtensions(messageById(cmd.messageID));
    return plain(res.data);
  },
  async deleteMessageExtensions(cmd) {
    const message = messageById(cmd.messageID);
    const res = cmd.keyList === undefined
      ? await chat.deleteMessageExtensions(message)
      : await chat.deleteMessageExtensions(message, cmd.keyList);
    return plain(res.data);
  },
  async getConversationList(cmd) {
    const res = cmd.conversationIDList === undefined
      ? await chat.getConversationList()
      : await chat.getConversationList(cmd.conversationIDList);
    return {
      conversationList: (res.data.conversationList || []).map(conversationView),
      isSyncCompleted: res.data.isSyncCompleted,
    };
  },
  async getConversationProfile(cmd) {
    const res = await chat.getConversationProfile(cmd.conversationID);
    return conversationView(res.data.conversation);
  },
  async deleteConversation(cmd) {
    const res = await chat.deleteConversation(cmd.conversationID);
    return plain(res.data);
  },
  async pinConversation(cmd) {
    const res = await chat.pinConversation({ conversationID: cmd.conversationID, isPinned: cmd.isPinned });
    return plain(res.data);
  },
  async setConversationDraft(cmd) {
    const res = await chat.setConversationDraft({ conversationID: cmd.conversationID, draftText: cmd.draftText });
    return plain(res.data);
  },
  getTotalUnreadMessageCount() {
    return chat.getTotalUnreadMessageCount();
  },
  async createConversationGroup(cmd) {
    const res = await chat.createConversationGroup({ groupName: cmd.groupName, conversationIDList: cmd.conversationIDList });
    return plain(res.data);
  },
  async addConversationsToGroup(cmd) {
    const res = await chat.addConversationsToGroup({ groupName: cmd.groupName, conversationIDList: cmd.conversationIDList });
    return plain(res.data);
  },
  async deleteConversationsFromGroup(cmd) {
    const res = await chat.deleteConversationsFromGroup({ groupName: cmd.groupName, conversationIDList: cmd.conversationIDList });
    return plain(res.data);
  },
  async renameConversationGroup(cmd) {
    const res = await chat.renameConversationGroup({ oldName: cmd.oldName, newName: cmd.newName });
    return plain(res && res.data);
  },
  async deleteConversationGroup(cmd) {
    const res = await chat.deleteConversationGroup(cmd.groupName);
    return plain(res && res.data);
  },
  async getConversationGroupList() {
    const res = await chat.getConversationGroupList();
    return plain(res.data);
  },
  async createGroup(cmd) {
    const options = { type: cmd.type, name: cmd.name };
    if (cmd.groupID !== undefined) options.groupID = cmd.groupID;
    if (cmd.joinOption !== undefined) options.joinOption = cmd.joinOption;
    if (cmd.memberList !== undefined) options.memberList = cmd.memberList.map((userID) => ({ userID }));
    const res = await chat.createGroup(options);
    return { group: groupView(res.data.group), overLimitUserIDList: plain(res.data.overLimitUserIDList) };
  },
  async joinGroup(cmd) {
    const options = { groupID: cmd.groupID };
    if (cmd.applyMessage !== undefined) options.applyMessage = cmd.applyMessage;
    const res = await chat.joinGroup(options);
    return { status: res.data.status, group: groupView(res.data.group) };
  },
  async quitGroup(cmd) {
    const res = await chat.quitGroup(cmd.groupID);
    return { groupID: res.data.groupID };
  },
  async dismissGroup(cmd) {
    const res = await chat.dismissGroup(cmd.groupID);
    return { groupID: res.data.groupID };
  },
  async getGroupList() {
    const res = await chat.getGroupList();
    return { groupList: (res.data.groupList || []).map(groupView) };
  },
  async getGroupProfile(cmd) {
    const res = await chat.getGroupProfile({ groupID: cmd.groupID });
    return groupView(res.data.group);
  },
  async sendGroupText(cmd) {
    const message = chat.createTextMessage({
      to: cmd.groupID,
      conversationType: TencentCloudChat.TYPES.CONV_GROUP,
      payload: { text: cmd.text },
      needReadReceipt: cmd.needReadReceipt === true,
      isSupportExtension: cmd.isSupportExtension === true,
    });
    const res = await chat.sendMessage(message);
    remember(res.data.message);
    return messageView(res.data.message);
  },
  async getGroupMessageReadMemberList(cmd) {
    const res = await chat.getGroupMessageReadMemberList({
      message: messageById(cmd.messageID),
      filter: cmd.filter,
      cursor: cmd.cursor || '',
      count: cmd.count || 30,
    });
    return plain(res.data);
  },
  async addGroupMember(cmd) {
    const res = await chat.addGroupMember({ groupID: cmd.groupID, userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async deleteGroupMember(cmd) {
    const options = { groupID: cmd.groupID, userIDList: cmd.userIDList };
    if (cmd.reason !== undefined) options.reason = cmd.reason;
    const res = await chat.deleteGroupMember(options);
    return plain(res.data);
  },
  async setGroupMemberRole(cmd) {
    const res = await chat.setGroupMemberRole({ groupID: cmd.groupID, userID: cmd.userID, role: cmd.role });
    return { group: groupView(res.data.group) };
  },
  async setGroupMemberMuteTime(cmd) {
    const res = await chat.setGroupMemberMuteTime({ groupID: cmd.groupID, userID: cmd.userID, muteTime: cmd.muteTime });
    return plain(res.data);
  },
  async setGroupMemberNameCard(cmd) {
    const options = { groupID: cmd.groupID, nameCard: cmd.nameCard };
    if (cmd.userID !== undefined) options.userID = cmd.userID;
    const res = await chat.setGroupMemberNameCard(options);
    return plain(res.data);
  },
  async getGroupMemberList(cmd) {
    const res = await chat.getGroupMemberList({ groupID: cmd.groupID, count: cmd.count || 15, offset: cmd.offset || 0 });
    return plain(res.data);
  },
  async getGroupMemberProfile(cmd) {
    const res = await chat.getGroupMemberProfile({ groupID: cmd.groupID, userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async updateGroupProfile(cmd) {
    const options = Object.assign({}, cmd);
    delete options.id;
    delete options.op;
    const res = await chat.updateGroupProfile(options);
    return { group: groupView(res.data.group) };
  },
  async changeGroupOwner(cmd) {
    const res = await chat.changeGroupOwner({ groupID: cmd.groupID, newOwnerID: cmd.newOwnerID });
    return { group: groupView(res.data.group) };
  },
  async searchGroupByID(cmd) {
    const res = await chat.searchGroupByID(cmd.groupID);
    return { group: groupView(res.data.group) };
  },
  async getGroupOnlineMemberCount(cmd) {
    const res = await chat.getGroupOnlineMemberCount(cmd.groupID);
    return plain(res.data);
  },
  // Group attributes and counters (issue 17).
  async initGroupAttributes(cmd) {
    const res = await chat.initGroupAttributes({ groupID: cmd.groupID, groupAttributes: cmd.groupAttributes });
    return plain(res.data);
  },
  async setGroupAttributes(cmd) {
    const res = await chat.setGroupAttributes({ groupID: cmd.groupID, groupAttributes: cmd.groupAttributes });
    return plain(res.data);
  },
  async deleteGroupAttributes(cmd) {
    const res = await chat.deleteGroupAttributes({ groupID: cmd.groupID, keyList: cmd.keyList || [] });
    return plain(res.data);
  },
  async getGroupAttributes(cmd) {
    const res = await chat.getGroupAttributes({ groupID: cmd.groupID, keyList: cmd.keyList || [] });
    return plain(res.data);
  },
  async setGroupCounters(cmd) {
    const res = await chat.setGroupCounters({ groupID: cmd.groupID, counters: cmd.counters });
    return plain(res.data);
  },
  async increaseGroupCounter(cmd) {
    const res = await chat.increaseGroupCounter({ groupID: cmd.groupID, key: cmd.key, value: cmd.value });
    return plain(res.data);
  },
  async decreaseGroupCounter(cmd) {
    const res = await chat.decreaseGroupCounter({ groupID: cmd.groupID, key: cmd.key, value: cmd.value });
    return plain(res.data);
  },
  async getGroupCounters(cmd) {
    const res = await chat.getGroupCounters({ groupID: cmd.groupID, keyList: cmd.keyList || [] });
    return plain(res.data);
  },
  async getJoinedCommunityList() {
    const res = await chat.getJoinedCommunityList();
    return { groupList: (res.data.groupList || []).map(groupView) };
  },
  async createTopicInCommunity(cmd) {
    const options = { groupID: cmd.groupID, topicName: cmd.topicName };
    for (const k of ['topicID', 'avatar', 'introduction', 'notification', 'customData']) {
      if (cmd[k] !== undefined) options[k] = cmd[k];
    }
    const res = await chat.createTopicInCommunity(options);
    return plain(res.data);
  },
  async deleteTopicFromCommunity(cmd) {
    const res = await chat.deleteTopicFromCommunity({ groupID: cmd.groupID, topicIDList: cmd.topicIDList });
    return plain(res.data);
  },
  async updateTopicProfile(cmd) {
    const options = { groupID: cmd.groupID, topicID: cmd.topicID };
    for (const k of ['topicName', 'avatar', 'introduction', 'notification', 'customData', 'muteAllMembers']) {
      if (cmd[k] !== undefined) options[k] = cmd[k];
    }
    const res = await chat.updateTopicProfile(options);
    return plain(res.data);
  },
  async getTopicList(cmd) {
    const res = await chat.getTopicList({ groupID: cmd.groupID, topicIDList: cmd.topicIDList || [] });
    return plain(res.data);
  },
  async getGroupApplicationList() {
    const res = await chat.getGroupApplicationList();
    return plain(res.data);
  },
  async handleGroupApplication(cmd) {
    const res = await chat.handleGroupApplication({
      handleAction: cmd.handleAction,
      handleMessage: cmd.handleMessage || '',
      message: messageById(cmd.messageID),
    });
    return plain(res.data);
  },
  async getMyProfile() {
    const res = await chat.getMyProfile();
    return plain(res.data);
  },
  async getUserProfile(cmd) {
    const res = await chat.getUserProfile({ userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async updateMyProfile(cmd) {
    const res = await chat.updateMyProfile(cmd.options);
    return plain(res.data);
  },
  async getFriendList() {
    const res = await chat.getFriendList();
    return plain(res.data);
  },
  async addFriend(cmd) {
    const options = { to: cmd.to, source: cmd.source || 'AddSource_Type_Web' };
    if (cmd.wording !== undefined) options.wording = cmd.wording;
    if (cmd.type !== undefined) options.type = cmd.type;
    const res = await chat.addFriend(options);
    return plain(res.data);
  },
  async deleteFriend(cmd) {
    const options = { userIDList: cmd.userIDList };
    if (cmd.type !== undefined) options.type = cmd.type;
    const res = await chat.deleteFriend(options);
    return plain(res.data);
  },
  async checkFriend(cmd) {
    const options = { userIDList: cmd.userIDList };
    if (cmd.type !== undefined) options.type = cmd.type;
    const res = await chat.checkFriend(options);
    return plain(res.data);
  },
  async updateFriend(cmd) {
    const options = { userID: cmd.userID };
    if (cmd.remark !== undefined) options.remark = cmd.remark;
    if (cmd.friendCustomField !== undefined) options.friendCustomField = cmd.friendCustomField;
    const res = await chat.updateFriend(options);
    return plain(res.data);
  },
  async getFriendProfile(cmd) {
    const res = await chat.getFriendProfile({ userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async getFriendApplicationList() {
    const res = await chat.getFriendApplicationList();
    return plain(res.data);
  },
  async acceptFriendApplication(cmd) {
    const options = { userID: cmd.userID };
    if (cmd.remark !== undefined) options.remark = cmd.remark;
    if (cmd.type !== undefined) options.type = cmd.type;
    const res = await chat.acceptFriendApplication(options);
    return plain(res && res.data);
  },
  async refuseFriendApplication(cmd) {
    const res = await chat.refuseFriendApplication({ userID: cmd.userID });
    return plain(res && res.data);
  },
  async deleteFriendApplication(cmd) {
    const options = { userID: cmd.userID };
    if (cmd.type !== undefined) options.type = cmd.type;
    const res = await chat.deleteFriendApplication(options);
    return plain(res && res.data);
  },
  async setFriendApplicationRead() {
    const res = await chat.setFriendApplicationRead();
    return plain(res && res.data);
  },
  // Friend groups (issue 18); FRIEND_GROUP_LIST_UPDATED is reported like
  // every other EVENT.
  async getFriendGroupList() {
    const res = await chat.getFriendGroupList();
    return plain(res.data);
  },
  async createFriendGroup(cmd) {
    const res = await chat.createFriendGroup({ name: cmd.name, userIDList: cmd.userIDList || [] });
    return plain(res.data);
  },
  async renameFriendGroup(cmd) {
    const res = await chat.renameFriendGroup({ oldName: cmd.oldName, newName: cmd.newName });
    return plain(res.data);
  },
  async addToFriendGroup(cmd) {
    const res = await chat.addToFriendGroup({ name: cmd.name, userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async removeFromFriendGroup(cmd) {
    const res = await chat.removeFromFriendGroup({ name: cmd.name, userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async deleteFriendGroup(cmd) {
    const res = await chat.deleteFriendGroup({ name: cmd.name });
    return plain(res.data);
  },
  async logout() {
    const res = await chat.logout();
    return plain(res.data);
  },
  async destroy() {
    await chat.destroy();
    return null;
  },
  isReady() {
    return chat.isReady();
  },
  async getMessageList(cmd) {
    const options = { conversationID: cmd.conversationID };
    if (cmd.nextReqMessageID !== undefined) options.nextReqMessageID = cmd.nextReqMessageID;
    const res = await chat.getMessageList(options);
    res.data.messageList.forEach(remember);
    return {
      messageList: res.data.messageList.map(messageView),
      isCompleted: res.data.isCompleted,
      nextReqMessageID: res.data.nextReqMessageID,
    };
  },
  // Blacklist and user status (issue 18).
  async getBlacklist() {
    const res = await chat.getBlacklist();
    return plain(res.data);
  },
  async addToBlacklist(cmd) {
    const res = await chat.addToBlacklist({ userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async removeFromBlacklist(cmd) {
    const res = await chat.removeFromBlacklist({ userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async setSelfStatus(cmd) {
    const res = await chat.setSelfStatus({ customStatus: cmd.customStatus });
    return plain(res.data);
  },
  async getUserStatus(cmd) {
    const res = await chat.getUserStatus({ userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async subscribeUserStatus(cmd) {
    const res = await chat.subscribeUserStatus({ userIDList: cmd.userIDList });
    return plain(res.data);
  },
  async unsubscribeUserStatus(cmd) {
    const res = await chat.unsubscribeUserStatus({ userIDList: cmd.userIDList || [] });
    return plain(res.data);
  },
  rawLogin,
  logLines() {
    return logLines;
  },
  exit() {
    setImmediate(() => process.exit(0));
    return null;
  },
};

// A rejection's data; a message in it (2480 carries the server's version of
// the message) is reported as a messageView.
function errorData(err) {
  const data = err && err.data;
  if (data && typeof data === 'object' && data.message && typeof data.message === 'object') {
    return Object.assign(plain(data), { message: messageView(data.message) });
  }
  return plain(data);
}

process.on('uncaughtException', (err) => out({ k: 'fatal', text: String(err && err.stack) }));
// The SDK leaves some internal promises unhandled (for example when a
// re-login is refused); reported as their own kind.
process.on('unhandledRejection', (err) => out({ k: 'unhandled', text: String(err && (err.stack || JSON.stringify(err))).slice(0, 2000) }));

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (err) {
    out({ k: 'fatal', text: `bad command: ${line}` });
    return;
  }
  const op = ops[cmd.op];
  if (!op) {
    out({ k: 'result', id: cmd.id, ok: false, code: -1, message: `unknown op ${cmd.op}` });
    return;
  }
  try {
    const data = await op(cmd);
    out({ k: 'result', id: cmd.id, ok: true, data });
  } catch (err) {
    out({ k: 'result', id: cmd.id, ok: false, code: err && err.code, message: String(err && (err.message || err)), data: errorData(err) });
  }
});
// The test went away: so do we.
rl.on('close', () => process.exit(0));

out({ k: 'hello', node: process.version, sdk: TencentCloudChat.VERSION });
