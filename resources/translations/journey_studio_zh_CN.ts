<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountForm</name>
    <message>
        <location filename="../../gui/channels_window.py" line="+342"/>
        <source>e.g. Newsletter</source>
        <translation>例如：会员通讯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the account is called in the app</source>
        <translation>账号在应用中显示的名称</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. email-main</source>
        <translation>例如：email-main</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send nodes refer to the account by this id; it cannot change later</source>
        <translation>发送节点通过此 ID 引用该账号；之后无法更改</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> per minute</source>
        <translation> 条/分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The most messages this account sends per minute; 0 for no limit</source>
        <translation>此账号每分钟最多发送的消息数；0 表示不限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account id</source>
        <translation>账号 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lower-case letters, digits, &apos;-&apos;, &apos;_&apos; or &apos;.&apos;; Send nodes refer to it.</source>
        <translation>小写字母、数字、&apos;-&apos;、&apos;_&apos; 或 &apos;.&apos;；发送节点会引用它。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send rate</source>
        <translation>发送速率</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Unsubscribe mailbox (IMAP)</source>
        <translation>退订邮箱（IMAP）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Where Journey Studio reads unsubscribe requests sent by mail</source>
        <translation>Journey Studio 从此处读取通过邮件发来的退订请求</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Stored in your system keyring.</source>
        <translation>保存在系统密钥环中。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>New %1 account</source>
        <translation>新建 %1 账号</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../gui/app.py" line="+117"/>
        <location line="+7"/>
        <source>Cannot open the workspace</source>
        <translation>无法打开工作区</translation>
    </message>
</context>
<context>
    <name>BlankCard</name>
    <message>
        <location filename="../../gui/start_page.py" line="+294"/>
        <location line="+4"/>
        <source>Blank journey</source>
        <translation>空白旅程</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start with an empty canvas</source>
        <translation>从空白画布开始</translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <location filename="../../gui/canvas.py" line="+145"/>
        <source>No events yet</source>
        <extracomment>Below this zoom, nodes are painted as plain coloured blocks (fast with thousands of nodes). The warning triangle on a node whose channel account is missing or failing: amber, so that it stands out on every stage colour (orange Orchestrate headers included), with dark ink. The live count pill of a data source: the Track colour while events arrive, muted otherwise. Header ink for light headers (a note&apos;s yellow, a pale stage colour). Most lines of summary an annotation node shows before it ends in an ellipsis. Headers lighter than this get dark ink. White still reads on the saturated stage colours (orange, teal: about 0.3); pale ones (a yellow note, an amber or pastel stage) need dark text.</extracomment>
        <translation>暂无事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 event</source>
        <translation>1 个事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 in 24 h</source>
        <translation>24 小时内 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Events: %1 in all, %2 in the last 24 hours</source>
        <translation>事件：共 %1 个，最近 24 小时 %2 个</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Last event received %1 (%2)</source>
        <translation>最近一次收到事件：%1（%2）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Counted from: %1</source>
        <translation>统计来源：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only events sent with the write key “%1”.</source>
        <translation>仅统计使用写入密钥“%1”发送的事件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Events sent with any write key: choose one under Write key to count only this source&apos;s.</source>
        <translation>使用任意写入密钥发送的事件：在“写入密钥”中选择一个，即可仅统计此数据源的事件。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 ended</source>
        <translation>结束 %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 reached</source>
        <translation>达成 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 in · %2 conv</source>
        <translation>进入 %1 · 转化 %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 in · %2 active · %3 conv</source>
        <translation>进入 %1 · 进行中 %2 · 转化 %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 active</source>
        <translation>进行中 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1% of entries</source>
        <translation>占进入数的 %1%</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Unknown node</source>
        <extracomment>The setting that names a node of these types, shown as its title while the node has none of its own (or still the one every such node starts with): a tracked event is known by its event name. The tracking plan names a data source so too.</extracomment>
        <translation>未知节点</translation>
    </message>
    <message>
        <location line="+506"/>
        <source>Type &apos;%1&apos; is not installed</source>
        <extracomment>What a node&apos;s numbers mean (:attr:`Metrics.kind`): a step on the way, a goal, or an end. Where the numbers come from (:attr:`Metrics.origin`), as the Run panel&apos;s modes. The colour of the canvas tag saying where the numbers come from. Pills of goals and exits: a share of the journey&apos;s entries is no drop-off, so no heat colour. Of the runs that arrived at the nodes just before (steps only). Of the runs that entered the journey (goals and exits). One line saying where the numbers come from (&quot;Simulated: 3,000 synthetic customers…&quot;). Counts painted on the rows of output ports with no edge: port index → text. Why this node&apos;s channel account cannot deliver (missing, wrong kind, failing), or None. A data source&apos;s live event counts (None: not a source, or not read yet).</extracomment>
        <translation>类型“%1”未安装</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Entered: %1 · Active: %2 · Converted: %3</source>
        <translation>进入：%1 · 进行中：%2 · 已转化：%3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Went on through “%1”: %2</source>
        <translation>经“%1”继续：%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ended at “%1” (not connected): %2</source>
        <translation>止于“%1”（未连接）：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ended here: %1</source>
        <translation>在此结束：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Left the journey here (exit event, jump or step limit): %1</source>
        <translation>在此离开旅程（退出事件、跳转或步数上限）：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1% of the customers who entered the journey got here (each entry counted once)</source>
        <translation>进入旅程的客户中有 %1% 到达此处（每次进入计一次）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1% of those at the step before came on to this one</source>
        <translation>上一步的客户中有 %1% 继续到达此步</translation>
    </message>
    <message>
        <location line="+341"/>
        <source>Connect an output (right side) to an input (left side).</source>
        <extracomment>Spots along a connection (fractions of its length) tried for its label, best first. How far a label is moved off its connection when every spot on it is taken.</extracomment>
        <translation>将输出（右侧）连接到输入（左侧）。</translation>
    </message>
    <message>
        <location line="+333"/>
        <source>Channel account “%1” is not connected</source>
        <extracomment>Connected accounts (id → the kind of message they carry); None until the window says. Accounts whose last delivery failed: id → the reason. Issues found by the window beyond the document&apos;s own (see :meth:`set_extra_issues`). Saved segments: id → name, for summaries that name a segment (see :meth:`set_segment_names`). Stored events per ``events.source`` (see :meth:`set_source_stats`); None until read. Where the connection labels went (edge id → rectangle), so that later ones avoid them. Whose numbers the overlays show (``Metrics.origin``/``caption``), for the corner tag.</extracomment>
        <translation>渠道账号“%1”未连接</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Channel account “%1” cannot send %2 messages</source>
        <translation>渠道账号“%1”无法发送%2消息</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The last delivery through “%1” failed: %2</source>
        <translation>通过“%1”的上次投递失败：%2</translation>
    </message>
</context>
<context>
    <name>ChannelsWindow</name>
    <message>
        <location filename="../../gui/channels_window.py" line="+148"/>
        <source>Channels</source>
        <extracomment>Accounts were added, changed or removed. A connection test or test message finished: ``(account id, ok, text shown)``.</extracomment>
        <translation>渠道</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Close the window (Esc)</source>
        <translation>关闭窗口（Esc）</translation>
    </message>
    <message>
        <location line="-575"/>
        <source>it holds a password or token and the system keyring cannot be used; Journey › Channels… says why</source>
        <extracomment>The colour of each kind of message, for account icons. Delivery statuses that end an attempt; the newest of them says whether an account works. Account id → why it cannot be opened (a secret the keyring cannot give, refused settings).</extracomment>
        <translation>该账号含有密码或令牌，而系统密钥环无法使用；原因见 旅程 › 渠道… 中的说明</translation>
    </message>
    <message>
        <location line="+601"/>
        <source>Passwords and tokens cannot be saved: %1 Until then, accounts that hold a password or token cannot be saved or opened; the others (a mail relay without a login, say) work as usual.</source>
        <translation>无法保存密码和令牌：%1 在此问题解决之前，含有密码或令牌的账号无法保存或打开；其他账号（例如无需登录的邮件中继）照常工作。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+107"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>Your channel accounts; press Delete to remove the selected one</source>
        <translation>您的渠道账号；按 Delete 键移除所选账号</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No channel accounts yet. Add one to send email, SMS, webhooks or chat messages from your journeys.</source>
        <translation>还没有渠道账号。添加账号后，即可在旅程中发送邮件、短信、Webhook 或聊天消息。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+320"/>
        <source>Add account</source>
        <translation>添加账号</translation>
    </message>
    <message>
        <location line="-317"/>
        <source>Connect a new account: choose its provider</source>
        <translation>连接新账号：选择其服务商</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the selected account and its secrets (Delete)</source>
        <translation>移除所选账号及其机密信息（Delete）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Select an account to see and change its settings, or add one.</source>
        <translation>选择一个账号以查看和修改其设置，或添加账号。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connect and log in with the values above, without sending anything to a customer</source>
        <translation>使用上面填写的值连接并登录，不会向任何客户发送内容</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send a test to me…</source>
        <translation>发送测试给我…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send one real test message through this account to an address or number of yours</source>
        <translation>通过此账号向您自己的地址或号码发送一条真实的测试消息</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Last errors</source>
        <translation>最近的错误</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Code</source>
        <translation>错误码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Deliveries through this account that failed, newest first</source>
        <translation>通过此账号投递失败的记录，最新的在前</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No failed deliveries.</source>
        <translation>没有失败的投递。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forget the changes made since the last save</source>
        <translation>放弃自上次保存以来的更改</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+207"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="-204"/>
        <source>Save the account (Enter); secrets go to the system keyring</source>
        <translation>保存账号（Enter）；机密信息存入系统密钥环</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Id: %1</source>
        <translation>ID：%1</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>This account holds a password or token that the system keyring cannot give (see above), so nothing is sent through it until the keyring works.</source>
        <translation>此账号含有系统密钥环无法提供的密码或令牌（见上文），因此在密钥环恢复正常之前，不会通过它发送任何内容。</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+3"/>
        <source>This account cannot be opened: %1</source>
        <translation>无法打开此账号：%1</translation>
    </message>
    <message>
        <location line="-2"/>
        <location line="+3"/>
        <source>Cannot be opened</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connection test failed</source>
        <translation>连接测试失败</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last delivery failed</source>
        <translation>上次投递失败</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connection OK</source>
        <translation>连接正常</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not tested in this session yet</source>
        <translation>本次会话中尚未测试</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>This account&apos;s provider “%1” is not known to this version.</source>
        <translation>此版本无法识别此账号的服务商“%1”。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Delivery %1 to customer %2</source>
        <translation>发给客户 %2 的投递 %1</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>This kind of account has no connection test.</source>
        <translation>此类账号不提供连接测试。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Give an address or number to send the test to.</source>
        <translation>请填写接收测试消息的地址或号码。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Test message from Journey Studio</source>
        <translation>来自 Journey Studio 的测试消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is a test message from Journey Studio, sent through the account “%1”. If it reached you, the account works.</source>
        <translation>这是一条来自 Journey Studio 的测试消息，通过账号“%1”发送。如果您收到了这条消息，说明该账号工作正常。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sending a test message to %1…</source>
        <translation>正在向 %1 发送测试消息…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connection works: %1</source>
        <translation>连接正常：%1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Test message sent: %1</source>
        <translation>测试消息已发送：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connection failed%1: %2</source>
        <translation>连接失败%1：%2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Test message failed%1: %2</source>
        <translation>测试消息发送失败%1：%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no reason given</source>
        <translation>未给出原因</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Remove account?</source>
        <translation>移除账号？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the channel account “%1” and delete its passwords and tokens from the system keyring? Send nodes that use it will fail until another account takes its id.</source>
        <translation>移除渠道账号“%1”，并从系统密钥环中删除其密码和令牌？在另一个账号使用其 ID 之前，使用它的发送节点将会失败。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Keyring not available</source>
        <translation>密钥环不可用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The secrets of “%1” cannot be deleted: %2

Remove the account anyway and leave its secrets in the keyring?</source>
        <translation>无法删除“%1”的机密信息：%2

仍要移除该账号，并将其机密信息留在密钥环中吗？</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Forget the changes to this account?</source>
        <translation>放弃对此账号的更改？</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Your e-mail address:</source>
        <translation>您的邮箱地址：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your mobile number (with country code, e.g. +4915112345678):</source>
        <translation>您的手机号（带国家/地区代码，例如 +4915112345678）：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A recipient value for the test payload (optional):</source>
        <translation>测试载荷中的收件人值（可选）：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The test is posted to the bot&apos;s group. A note for the &apos;to&apos; field (optional):</source>
        <translation>测试消息会发到机器人所在的群。&apos;to&apos; 字段的备注（可选）：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send a test to me</source>
        <translation>发送测试给我</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send the test to:</source>
        <translation>测试消息发送至：</translation>
    </message>
</context>
<context>
    <name>CollectorPanel</name>
    <message>
        <location filename="../../gui/collector_panel.py" line="+71"/>
        <source>Missing or unknown write key</source>
        <extracomment>Stored events are handed to the live engine at most this often (milliseconds): a burst of requests becomes one engine pass instead of hundreds. Stored events kept for the &quot;Latest events&quot; list.</extracomment>
        <translation>缺少写入密钥或密钥未知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Malformed body</source>
        <translation>请求体格式错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invalid message</source>
        <translation>消息无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too large</source>
        <translation>过大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nested too deeply</source>
        <translation>嵌套层级过深</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No such endpoint</source>
        <translation>端点不存在</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong HTTP method</source>
        <translation>HTTP 方法错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unsupported content encoding</source>
        <translation>不支持的内容编码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Busy (asked to retry)</source>
        <translation>繁忙（已要求重试）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arrived while stopping</source>
        <translation>在停止过程中到达</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The database failed</source>
        <translation>数据库出错</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refused by the database</source>
        <translation>被数据库拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Request too slow</source>
        <translation>请求过慢</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No body length</source>
        <translation>缺少请求体长度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Headers too large</source>
        <translation>请求头过大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal error</source>
        <translation>内部错误</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Segment SDKs and HTTP API</source>
        <translation>Segment SDK 和 HTTP API</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sensors Analytics, project %1</source>
        <translation>Sensors Analytics，项目 %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sensors (%1)</source>
        <translation>Sensors (%1)</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Event collector</source>
        <extracomment>The engine&apos;s advice for its command line (&quot;(--port 0 for &apos;collect&apos;, …)&quot;), left out in the app. Events were stored (coalesced; the number since the last emission). On the UI thread. The collector started (True) or stopped (False). A write key was made or removed.</extracomment>
        <translation>事件采集器</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The event collector is running; open Track › Collector to see it</source>
        <extracomment>Set on the worker thread as soon as a collector listens (stopped on shutdown even if the window never heard that it started). The address and port the last start could not listen on (None after a start that did). Keys made in this session: the only ones whose full text is known. The newest stored events, newest last (from ``on_events``: no reads of the store). For the main window&apos;s status bar: visible while the collector runs.</extracomment>
        <translation>事件采集器正在运行；打开 追踪 › 采集器 即可查看</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Listen</source>
        <translation>监听</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>127.0.0.1: only programs on this computer can send events. 0.0.0.0: every network this computer is on.</source>
        <translation>127.0.0.1：仅本机上的程序可以发送事件。0.0.0.0：本机所连接的所有网络均可发送。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Address:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start listening for events on this address and port; the addresses to give your SDKs work from then on</source>
        <translation>开始在此地址和端口上接收事件；从那时起，提供给 SDK 的地址即可使用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop listening. Events that arrived are stored first; SDKs keep the ones they send meanwhile and send them again later</source>
        <translation>停止接收。已到达的事件会先存储；在此期间 SDK 发送的事件会由 SDK 保留并稍后重新发送</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Events are stored as they arrive and reach your live journeys at once while the app is open. Closing this window leaves the collector running; quitting the app stops it.</source>
        <translation>事件到达即存储，并在应用打开期间立即进入运行中的旅程。关闭此窗口不会停止采集器；退出应用则会停止。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Write keys</source>
        <translation>写入密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Senders must present one of these keys (Segment: the write key; Sensors Analytics: token= in the address). Only a fingerprint is stored, so a key can be copied only right after it is made.</source>
        <translation>发送方必须提供其中一个密钥（Segment：写入密钥；Sensors Analytics：地址中的 token=）。仅存储密钥指纹，因此只有在密钥刚创建后才能复制。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Made</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>&amp;New key…</source>
        <translation>新建密钥(&amp;N)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Make a new write key, e.g. one per website or app, so that each can be refused on its own later; copy it right away</source>
        <translation>新建一个写入密钥，例如每个网站或应用各一个，以便日后可以单独拒绝；请立即复制</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove the selected write key: senders using it are refused from then on (asks first)</source>
        <translation>删除所选写入密钥：此后使用它的发送方将被拒绝（会先确认）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Point your SDKs here</source>
        <translation>SDK 接入地址</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Segment SDKs (API host):</source>
        <extracomment>Whether anything listens at the addresses below (shown while the collector does not run).</extracomment>
        <translation>Segment SDK（API 主机）：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>analytics-python: analytics.host; analytics.js and the mobile SDKs: the API host. The write key goes where the SDK asks for it.</source>
        <translation>analytics-python：analytics.host；analytics.js 和移动端 SDK：API 主机。写入密钥填在 SDK 要求填写的位置。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Segment HTTP API:</source>
        <translation>Segment HTTP API：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Also /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias and /v1/batch; the write key as the HTTP Basic user name.</source>
        <translation>另有 /v1/identify、/v1/page、/v1/screen、/v1/group、/v1/alias 和 /v1/batch；写入密钥作为 HTTP Basic 用户名。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sensors Analytics SDK (server URL):</source>
        <translation>Sensors Analytics SDK（服务器 URL）：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server_url of the Sensors Analytics SDKs; events are stored under the project named in the address.</source>
        <translation>Sensors Analytics SDK 的 server_url；事件存储在地址中指定的项目下。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+376"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="-374"/>
        <source>Copy this address</source>
        <translation>复制此地址</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Since the collector started</source>
        <translation>自采集器启动以来</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Messages received</source>
        <translation>已接收消息</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Messages (events, identifies, profile changes) read from requests that were let in</source>
        <translation>从放行的请求中读取的消息（事件、identify 调用、客户档案变更）</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+38"/>
        <source>Refusals</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>Whole requests refused (each counts once, however many messages it held) and single messages refused inside a batch; the reasons are below</source>
        <translation>被整体拒绝的请求（无论包含多少条消息，每个请求只计一次）以及批量请求中被单独拒绝的消息；原因见下方</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reason refused</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Not running: the collector did not start, so no address here would reach this app. Choose another port and press Start; the addresses appear then.</source>
        <translation>未运行：采集器没有启动，因此这里的地址都无法到达本应用。请选择另一个端口并点击“启动”，地址随后会显示。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not running: these addresses answer once you press Start.</source>
        <translation>未运行：点击“启动”后这些地址才会响应。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not listening</source>
        <translation>未在监听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shown once started: the free port is chosen then</source>
        <translation>启动后显示：届时才会选定空闲端口</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sensors Analytics: the address ends with the new key “%1” as token=; Copy takes the whole address.</source>
        <translation>Sensors Analytics：地址末尾已带上新密钥“%1”作为 token=；“复制”会复制整个地址。</translation>
    </message>
    <message>
        <location line="-125"/>
        <location line="+41"/>
        <source>Stored</source>
        <translation>已存储</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Events written to the workspace (answered with 200)</source>
        <translation>已写入工作区的事件（以 200 响应）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Events stored already, sent again by a retrying SDK</source>
        <translation>已存储过、由重试的 SDK 再次发送的事件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Profile updates</source>
        <translation>客户档案更新</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>identify traits and profile_* messages</source>
        <translation>identify 的 traits 及 profile_* 消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Profiles merged</source>
        <translation>已合并档案</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Anonymous visitors joined to known customers</source>
        <translation>已关联到已知客户的匿名访客</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Links refused</source>
        <translation>已拒绝的关联</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identifiers not joined to a profile because it would then have two user ids; the events still went to the customer the message was about</source>
        <translation>未关联到客户档案的标识，因为关联后该档案会有两个用户 ID；事件仍归入消息所指的客户</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Messages read and waiting to be stored</source>
        <translation>已读取、等待存储的消息</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Latest events</source>
        <translation>最新事件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+10"/>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Properties</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Other computers can reach the collector at %1. Only senders with a write key can store events, but nothing is encrypted: keep 127.0.0.1 unless a phone or another computer has to send events.</source>
        <translation>其他计算机可以通过 %1 访问采集器。只有持有写入密钥的发送方才能存储事件，但所有内容均未加密：除非需要由手机或其他计算机发送事件，否则请保持 127.0.0.1。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listening on %1 since %2</source>
        <translation>自 %2 起在 %1 上监听</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting…</source>
        <translation>启动中…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stopping: storing what arrived…</source>
        <translation>正在停止：正在存储已到达的数据…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Sensors Analytics: add &amp;token= and one of the write keys below to this address (or give the key as the SDK&apos;s token); without it every event is refused.</source>
        <translation>Sensors Analytics：请在此地址后加上 &amp;token= 和下方的一个写入密钥（或将密钥作为 SDK 的 token 提供）；否则所有事件都会被拒绝。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Collector on :%1 · %2 stored</source>
        <translation>采集器 :%1 · 已存储 %2</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>The collector did not start: another program is using that port (%1), perhaps a collector that is already running. Choose another port, or “Any free port”, and press Start again.</source>
        <translation>采集器没有启动：另一个程序正在使用该端口（%1），可能是已在运行的采集器。请选择另一个端口或“任意空闲端口”，然后再次点击“启动”。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The collector did not start: %1</source>
        <translation>采集器未能启动：%1</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Write key “%1”</source>
        <translation>写入密钥“%1”</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Only the first characters are kept. Make a new key to have one you can copy.</source>
        <translation>仅保留开头几个字符。新建一个密钥即可得到可复制的密钥。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Copy the key</source>
        <translation>复制密钥</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only a new key can be copied</source>
        <translation>只能复制新建的密钥</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New key “%1”: %2 — copy it now and keep it somewhere safe: it is not shown again after you quit the app.</source>
        <translation>新密钥“%1”：%2 — 请立即复制并妥善保存：退出应用后将不再显示。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Listen on the network?</source>
        <translation>在网络上监听？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On %1, other computers can send events to this workspace (with a write key). Start anyway?</source>
        <translation>在 %1 上，其他计算机可以向此工作区发送事件（需持有写入密钥）。仍要启动吗？</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New write key</source>
        <translation>新建写入密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A name to tell this key apart (e.g. the website or app that uses it):</source>
        <translation>用于区分此密钥的名称（例如使用它的网站或应用）：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Remove write key</source>
        <translation>移除写入密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the key “%1”? Senders using it are refused from now on.</source>
        <translation>移除密钥“%1”？从现在起，使用该密钥的发送方将被拒绝。</translation>
    </message>
</context>
<context>
    <name>Comparison</name>
    <message>
        <location filename="../../gui/segment_builder.py" line="+364"/>
        <source>values, separated by commas</source>
        <extracomment>Where the conditions (or filters) of a JSON form are among the rows they came from: per list, each item&apos;s row number and the places below it (see :func:`row_path`).</extracomment>
        <translation>多个值，用逗号分隔</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a number, or a date like 2025-01-01</source>
        <translation>数字，或 2025-01-01 这样的日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>value</source>
        <translation>值</translation>
    </message>
</context>
<context>
    <name>ConditionRow</name>
    <message>
        <location line="+197"/>
        <source>What this condition looks at</source>
        <translation>此条件检查的内容</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>attribute, e.g. plan</source>
        <translation>属性，例如 plan</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>has the tag</source>
        <translation>具有标签</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>does not have the tag</source>
        <translation>不具有标签</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>tag, e.g. vip</source>
        <translation>标签，例如 vip</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Capitals do not count: “VIP”, “vip” and “Vip” are one tag.</source>
        <translation>不区分大小写：“VIP”、“vip”和“Vip”是同一个标签。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>granted</source>
        <translation>已授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not granted</source>
        <translation>未授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>consent is</source>
        <translation>授权状态为</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Remove this condition</source>
        <translation>移除此条件</translation>
    </message>
</context>
<context>
    <name>ConfigForm</name>
    <message>
        <location filename="../../gui/forms.py" line="+53"/>
        <location filename="../../gui/profiles_window.py" line="+342"/>
        <source>Yes</source>
        <extracomment>A key absent from the config, kept absent unless the user fills the field in. Hints (``json_schema_extra={&quot;widget&quot;: ...}``) that turn a text field into an editable picker.</extracomment>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../../gui/profiles_window.py" line="+2"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>equals</source>
        <extracomment>Short codes common in rule builders, which ``humanize`` alone would leave cryptic.</extracomment>
        <translation>等于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>does not equal</source>
        <translation>不等于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>greater than</source>
        <translation>大于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>at least</source>
        <translation>至少</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>less than</source>
        <translation>小于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>at most</source>
        <translation>至多</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is set</source>
        <translation>已设置</translation>
    </message>
    <message>
        <location line="+441"/>
        <source>Text, number, true or false</source>
        <extracomment>``json_schema_extra={&quot;labels&quot;: {value: label}}``: how each choice reads. Editors that take ``set_choices`` by hint (pickers; template fields under &quot;placeholder&quot;). Called after a load and after each user edit: editors that depend on a sibling&apos;s value (the channel picker on ``channel_kind``) look again once every field shows its value. ``request(name)`` asks the form&apos;s owner for something outside the form (&quot;manage_channels&quot;). ``row``: label above the editor; ``span``: the editor carries its own title; ``group``: a box. The field&apos;s default (JSON form), used when the config lacks the key.</extracomment>
        <translation>文本、数字、true 或 false</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Use {{ customer.first_name }} to personalise</source>
        <translation>使用 {{ customer.first_name }} 进行个性化</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Choose or type a channel account</source>
        <extracomment>What an empty picker shows.</extracomment>
        <translation>选择或输入渠道账号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose or type an event name</source>
        <translation>选择或输入事件名称</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type a city or region, e.g. Berlin</source>
        <translation>输入城市或地区，例如 Berlin</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Manage channels…</source>
        <extracomment>The provider, e.g. &quot;Email (SMTP)&quot;. What it carries: ``email``, ``sms``, ``webhook``, ``chat``, or ``any`` (the simulated account). Why it may not deliver (its last delivery failed), or &quot;&quot;. Pickers whose value is an id shown as a name (&quot;channel&quot;, &quot;segment&quot;). The &quot;Manage …&quot; link under a picker: (request sent to the form&apos;s owner, link text, tooltip).</extracomment>
        <translation>管理渠道…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connect, test and fix channel accounts</source>
        <translation>连接、测试和修复渠道账号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manage segments…</source>
        <translation>管理分群…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Build, change and save segments</source>
        <translation>创建、修改和保存分群</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manage write keys…</source>
        <translation>管理写入密钥…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the Collector to make or remove write keys</source>
        <translation>打开采集器以创建或移除写入密钥</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose a saved segment</source>
        <translation>选择已保存的分群</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any write key</source>
        <translation>任意写入密钥</translation>
    </message>
    <message>
        <location line="+129"/>
        <source>Declared in the tracking plan and received</source>
        <translation>已在埋点方案中声明，且已收到</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Declared in the tracking plan; none received yet</source>
        <translation>已在埋点方案中声明；尚未收到</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Received; not declared in the tracking plan</source>
        <translation>已收到；未在埋点方案中声明</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>No saved segment “%1” in this workspace: it was deleted or belongs to another workspace. Choose one, or build it under Manage segments.</source>
        <translation>此工作区中没有已保存的分群“%1”：它已被删除，或属于其他工作区。请选择一个分群，或在“管理分群”中创建。</translation>
    </message>
    <message>
        <location line="-234"/>
        <source>No saved segments yet</source>
        <extracomment>What an empty picker shows once the workspace is known to have nothing to offer. Short enough for the inspector dock: a placeholder is clipped, never wrapped.</extracomment>
        <translation>还没有已保存的分群</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No write keys yet: any key counts</source>
        <translation>还没有写入密钥：任何密钥都计入</translation>
    </message>
    <message>
        <location line="+224"/>
        <source>Build one under Manage segments.</source>
        <translation>请在“管理分群”中创建。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The saved segment “%1” was deleted: choose another, or build it again under Manage segments.</source>
        <translation>已保存的分群“%1”已被删除：请选择其他分群，或在“管理分群”中重新创建。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This workspace has no write key named “%1”: this source counts no events until a key of that name is made under Manage write keys.</source>
        <translation>此工作区没有名为“%1”的写入密钥：在“管理写入密钥”中创建该名称的密钥之前，此数据源不会统计任何事件。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No channel account “%1” is connected yet: messages through it fail until you add it under Manage channels.</source>
        <translation>尚未连接渠道账号“%1”：在“管理渠道”中添加之前，通过它发送的消息都会失败。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>“%1” is a %2 account and cannot send this kind of message.</source>
        <translation>“%1”是%2账号，无法发送此类消息。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its last delivery failed: %1</source>
        <translation>其上次投递失败：%1</translation>
    </message>
    <message>
        <location line="+56"/>
        <location line="+30"/>
        <source>Choose a colour</source>
        <translation>选择颜色</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>#RRGGBB</source>
        <translation>#RRGGBB</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>Not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location line="+53"/>
        <location line="+336"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="-263"/>
        <source>One per line</source>
        <translation>每行一个</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Date and time, e.g. 2025-06-01 09:00</source>
        <translation>日期和时间，例如 2025-06-01 09:00</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Date, e.g. 2025-06-01</source>
        <translation>日期，例如 2025-06-01</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>JSON value</source>
        <translation>JSON 值</translation>
    </message>
    <message>
        <location line="+370"/>
        <source>Item</source>
        <translation>项</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>None yet.</source>
        <translation>暂无。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>+ Add %1</source>
        <translation>+ 添加%1</translation>
    </message>
    <message>
        <location line="+31"/>
        <location line="+129"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="-127"/>
        <source>Remove this %1</source>
        <translation>移除此%1</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>+ Add entry</source>
        <translation>+ 添加条目</translation>
    </message>
    <message>
        <location line="+146"/>
        <source>This node has no settings.</source>
        <extracomment>The one field→widget table: a field&apos;s kind (see :func:`classify`) picks its editor. ``(dotted field path, whole config dict)``; the dict is passed through as a Python object. A channel picker&apos;s &quot;Manage channels…&quot; was clicked. A picker asked for a window outside the form (``manage_channels``, ``manage_segments``, ``manage_write_keys``) or says its edit is complete (``edit_done``: a choice was picked).</extracomment>
        <translation>此节点没有设置项。</translation>
    </message>
</context>
<context>
    <name>ConsentBox</name>
    <message>
        <location filename="../../gui/profiles_window.py" line="+230"/>
        <source>Click to grant or refuse; right-click to mark it not recorded</source>
        <translation>点击以授权或拒绝；右键点击可标为“未记录”</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Granted</source>
        <translation>已授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not recorded</source>
        <translation>未记录</translation>
    </message>
</context>
<context>
    <name>CustomerListModel</name>
    <message>
        <location line="-144"/>
        <source>Name</source>
        <extracomment>A search or a further page is on its way. The last page came back short: nothing follows in this search. Where the next page starts: the sort key of the last row the engine returned (a row saved since has moved, so it is not read back from ``items``).</extracomment>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Identifier</source>
        <translation>标识</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Most recently updated first</source>
        <translation>最近更新的排在前面</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../gui/dialogs.py" line="+11"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the changes to %1?</source>
        <translation>是否保存对 %1 的更改？</translation>
    </message>
</context>
<context>
    <name>EventEditor</name>
    <message>
        <location filename="../../gui/segment_builder.py" line="-158"/>
        <source>did</source>
        <translation>做过</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>did not do</source>
        <translation>未做过</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>event, e.g. order_completed</source>
        <translation>事件，例如 order_completed</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>at least </source>
        <translation>至少 </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>ever</source>
        <translation>不限时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in the last </source>
        <translation>最近 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>0 counts events of any age</source>
        <translation>0 表示统计任何时间的事件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+ where…</source>
        <translation>+ 筛选…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Count only events whose properties match</source>
        <translation>仅统计属性符合条件的事件</translation>
    </message>
    <message>
        <location line="+28"/>
        <source> time</source>
        <translation> 次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source> times</source>
        <translation> 次</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>at all</source>
        <translation>一次都没有</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../gui/import_wizard.py" line="+609"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A CSV file as a spreadsheet or a shop exports it (UTF-8, UTF-16 or GB18030, separated by commas, semicolons or tabs), or the first sheet of an Excel workbook (.xlsx).</source>
        <translation>电子表格或网店导出的 CSV 文件（UTF-8、UTF-16 或 GB18030，以逗号、分号或制表符分隔），或 Excel 工作簿（.xlsx）的第一个工作表。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What the rows are</source>
        <translation>每行的内容</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Customers — one row per person: an identifier, attributes, consent and tags</source>
        <translation>客户 — 每人一行：标识、属性、授权和标签(&amp;C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Events — one row per thing a customer did: who, what and when</source>
        <translation>事件 — 客户的每次行为一行：谁、做了什么、何时(&amp;E)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Path of a .csv, .txt or .xlsx file</source>
        <translation>.csv、.txt 或 .xlsx 文件的路径</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;File:</source>
        <translation>文件(&amp;F)：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing is written before the last step. Rows with errors are skipped and listed; importing the same file twice adds nothing the second time.</source>
        <translation>在最后一步之前不会写入任何内容。有错误的行会被跳过并列出；同一文件导入两次时，第二次不会添加任何内容。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1 is a folder: choose a CSV file in it.</source>
        <translation>%1 是文件夹：请选择其中的 CSV 文件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no file at %1.</source>
        <translation>%1 处没有文件。</translation>
    </message>
</context>
<context>
    <name>GroupWidget</name>
    <message>
        <location filename="../../gui/segment_builder.py" line="+218"/>
        <source>all of these</source>
        <extracomment>A gentle note under the row: a name nothing in the workspace has, and what was likely meant.</extracomment>
        <translation>以下全部条件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>any of these</source>
        <translation>以下任一条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All: every condition must hold (AND). Any: one is enough (OR).</source>
        <translation>全部：每个条件都须满足（且）。任一：满足一个即可（或）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customers who match</source>
        <translation>客户符合</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Match</source>
        <translation>符合</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Remove group</source>
        <translation>移除条件组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove this group and the conditions in it</source>
        <translation>移除此条件组及其中的条件</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>+ Condition</source>
        <translation>+ 条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a condition on an attribute, a tag, consent for a channel or an event the customer did</source>
        <translation>添加一个条件：属性、标签、渠道授权或客户做过的事件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>+ Group</source>
        <translation>+ 条件组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A nested group, to mix AND and OR</source>
        <translation>嵌套条件组，用于混合“且”和“或”</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No conditions yet: everyone matches. Add a condition to narrow it down.</source>
        <translation>还没有条件：所有客户都符合。添加条件以缩小范围。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No conditions yet: with “any”, no one matches until you add one.</source>
        <translation>还没有条件：选择“任一”时，添加条件前没有客户符合。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>and</source>
        <translation>且</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>or</source>
        <translation>或</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <location filename="../../gui/import_wizard.py" line="+764"/>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Cancel import</source>
        <translation>取消导入(&amp;C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop after the rows being read now; what was imported stays, and importing the file again adds the rest</source>
        <translation>读完当前正在读取的行后停止；已导入的内容会保留，再次导入该文件会添加其余内容</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reading and storing rows…</source>
        <translation>正在读取并存储数据行…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rebuilding the event indexes…</source>
        <translation>正在重建事件索引…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Finishing…</source>
        <translation>正在完成…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 rows read · %2 imported · %3 skipped with errors</source>
        <translation>已读取 %1 行 · 已导入 %2 行 · 因错误跳过 %3 行</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stopping after the rows being read now…</source>
        <translation>读完当前正在读取的行后停止…</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location line="-1361"/>
        <source>Don&apos;t import</source>
        <extracomment>Characters of a cell shown in the preview and the samples (tooltips carry more). Sample values shown per column on the Columns page. Channels offered for consent columns (any other word may be typed). The channels a consent column can be about: those accounts send through, as the engine checks. Encodings offered on the Preview page, as Python codec names (any other may be typed).</extracomment>
        <translation>不导入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identifier</source>
        <translation>标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer&apos;s time zone</source>
        <translation>客户时区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event name</source>
        <translation>事件名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event time</source>
        <translation>事件时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event id (order number)</source>
        <translation>事件 ID（订单号）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event property</source>
        <translation>事件属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Line item value</source>
        <translation>商品项的值</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Text</source>
        <extracomment>Targets offered per kind of import, in menu order. Targets whose field carries a name (``attributes.&lt;name&gt;`` and so on). Targets whose type the user may force (the others have the engine&apos;s fixed type).</extracomment>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yes / no</source>
        <translation>是 / 否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date and time</source>
        <translation>日期和时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email address</source>
        <translation>邮箱地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ISO 8601 (2024-12-31 18:30)</source>
        <translation>ISO 8601 (2024-12-31 18:30)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Day/month/year (31/12/2024)</source>
        <translation>日/月/年 (31/12/2024)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Month/day/year (12/31/2024)</source>
        <translation>月/日/年 (12/31/2024)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Year/month/day (2024/12/31)</source>
        <translation>年/月/日 (2024/12/31)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unix time, seconds</source>
        <translation>Unix 时间（秒）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unix time, milliseconds</source>
        <translation>Unix 时间（毫秒）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>day/month/year</source>
        <translation>日/月/年</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>month/day/year</source>
        <translation>月/日/年</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>year/month/day</source>
        <translation>年/月/日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unix seconds</source>
        <translation>Unix 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unix milliseconds</source>
        <translation>Unix 毫秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(day and month unsure)</source>
        <translation>（日和月的顺序不确定）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>(written like %1)</source>
        <translation>（写法如 %1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(decimal comma)</source>
        <translation>（逗号作小数点）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>UTF-8 with BOM</source>
        <translation>UTF-8（带 BOM）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>UTF-16 (Excel Unicode text)</source>
        <translation>UTF-16（Excel Unicode 文本）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>GB18030 / GBK (Simplified Chinese)</source>
        <translation>GB18030 / GBK（简体中文）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Big5 (Traditional Chinese)</source>
        <translation>Big5（繁体中文）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift-JIS (Japanese)</source>
        <translation>Shift-JIS（日文）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows-1252 (Western Europe)</source>
        <translation>Windows-1252（西欧）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latin-1 (ISO 8859-1)</source>
        <translation>Latin-1 (ISO 8859-1)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Comma ( , )</source>
        <translation>逗号 ( , )</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Semicolon ( ; )</source>
        <translation>分号 ( ; )</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipe ( | )</source>
        <translation>竖线 ( | )</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>choose their format under “Dates” above the table, or type a pattern there such as %d.%m.%Y %H:%M</source>
        <translation>请在表格上方的“日期”中选择其格式，或在那里输入格式模式，例如 %d.%m.%Y %H:%M</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>choose one under “Customer identified by”, or set a column&apos;s “Import as” to “Identifier”</source>
        <translation>请在“客户标识依据”中选择一列，或将某一列的“导入为”设为“标识”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>set a column&apos;s “Import as” to “Event name”, or type one name for every row under “Every row is the event”</source>
        <translation>请将某一列的“导入为”设为“事件名称”，或在“每行的事件”中为所有行输入同一个事件名称</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>set a column&apos;s “Import as” to “Event time”</source>
        <translation>请将某一列的“导入为”设为“事件时间”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>choose that one under “Encoding”</source>
        <translation>请在“编码”中选择该编码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>set its column&apos;s “Import as” to “Event id (order number)”</source>
        <translation>把该列的“导入为”设为“事件 ID（订单号）”</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>no data rows</source>
        <translation>无数据行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 row</source>
        <translation>1 行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 rows</source>
        <translation>%1 行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>about 1 row</source>
        <translation>约 1 行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>about %1 rows</source>
        <translation>约 %1 行</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>a date in the format %1</source>
        <translation>格式为 %1 的日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes or no</source>
        <translation>是或否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>an email address</source>
        <translation>邮箱地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a phone number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Column “%1”: phone numbers such as “%2” have no country code, and websites and apps send numbers with one: choose their country above (%3, judging by the numbers) so that both name the same customer.</source>
        <translation>列“%1”：“%2”等手机号没有国家/地区代码，而网站和应用发送的号码带有代码：请在上方选择它们所属的国家/地区（根据号码判断为 %3），以便两者指向同一位客户。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Column “%1”: phone numbers such as “%2” have no country code, and websites and apps send numbers with one: choose their country above so that both name the same customer.</source>
        <translation>列“%1”：“%2”等手机号没有国家/地区代码，而网站和应用发送的号码带有代码：请在上方选择它们所属的国家/地区，以便两者指向同一位客户。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>rows with such a value will be skipped and listed</source>
        <translation>含此类值的行将被跳过并列出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>such values are kept as text</source>
        <translation>此类值将保留为文本</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>1 of the %2 sample values is not %3</source>
        <translation>%2 个样本值中有 1 个不是%3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 of the %2 sample values are not %3</source>
        <translation>%2 个样本值中有 %1 个不是%3</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+15"/>
        <source>Column “%1”: %2, e.g. “%3”; %4.</source>
        <translation>列“%1”：%2，例如“%3”；%4。</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>1 of the %2 sample addresses has no dot in its domain (after the @)</source>
        <translation>%2 个样本地址中有 1 个的域名（@ 之后的部分）不含点号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of the %2 sample addresses have no dot in their domain (after the @)</source>
        <translation>%2 个样本地址中有 %1 个的域名（@ 之后的部分）不含点号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>such addresses are imported as written: check the column</source>
        <translation>此类地址将按原样导入：请检查该列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 of the %2 sample numbers is no %3 number</source>
        <translation>%2 个样本号码中有 1 个不是 %3 号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 of the %2 sample numbers are no %3 numbers</source>
        <translation>%2 个样本号码中有 %1 个不是 %3 号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>such numbers are kept as written; choose their country above if they are from another one</source>
        <translation>此类号码将按原样保留；如果它们属于其他国家/地区，请在上方选择对应的国家/地区</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>The time column “%1” is empty in every sample row: every row would be skipped. Choose the column that holds the event times.</source>
        <translation>时间列“%1”在所有样本行中均为空：所有行都将被跳过。请选择包含事件时间的列。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The sample value of the time column “%2” is not %3 (“%4”): every row would be skipped.</source>
        <translation>时间列“%2”的样本值不是%3（“%4”）：所有行都将被跳过。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>None of the %1 sample values of the time column “%2” is %3, e.g. “%4”: every row would be skipped.</source>
        <translation>时间列“%2”的 %1 个样本值中没有一个是%3，例如“%4”：所有行都将被跳过。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the format of its dates under Dates, or the column that holds the event times.</source>
        <translation>请在“日期”中选择其日期格式，或选择包含事件时间的列。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>the folder %1 does not exist</source>
        <translation>文件夹 %1 不存在</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is a folder, not a file name</source>
        <translation>%1 是文件夹，不是文件名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>you are not allowed to write in %1</source>
        <translation>您没有 %1 的写入权限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the disk can only be read</source>
        <translation>磁盘为只读</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Line</source>
        <translation>文件行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+1212"/>
        <source>Import customers or events</source>
        <extracomment>The import ended (finished or cancelled); carries the ImportResult. The worker is made and about to start (tests and embedders may connect to its signals).</extracomment>
        <translation>导入客户或事件</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Cannot read the file: %1</source>
        <extracomment>The user&apos;s choices on the Preview page (None: as detected). Rows per batch (None: the engine&apos;s default); smaller batches report progress more often. The columns start as the last import of a file with the same columns mapped them.</extracomment>
        <translation>无法读取文件：%1</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>The skipped rows were not saved to %1, because %2. Choose another place with “Export errors…”.</source>
        <translation>跳过的行未能保存到 %1，因为%2。请通过“导出错误…”选择其他位置。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved %1 rows to %2</source>
        <translation>已将 %1 行保存到 %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Saved 1 row to %2</source>
        <translation>已将 1 行保存到 %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose a CSV file or an Excel workbook</source>
        <translation>选择 CSV 文件或 Excel 工作簿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV files and Excel workbooks (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)</source>
        <translation>CSV 文件和 Excel 工作簿 (*.csv *.tsv *.txt *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export the skipped rows</source>
        <translation>导出跳过的行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <location filename="../../gui/inspector.py" line="+190"/>
        <source>Title</source>
        <extracomment>The node type&apos;s whole description, and whether it is shown whole (a long one starts folded to its first sentence, so that the settings stay in view on a small screen).</extracomment>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Unknown node type</source>
        <translation>未知节点类型</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Select a node to edit its settings</source>
        <extracomment>&quot;Manage channels…&quot; was clicked in a channel picker. A picker asked for a window (``manage_channels``, ``manage_segments``, ``manage_write_keys``) or says its edit is complete (``edit_done``).</extracomment>
        <translation>选择一个节点以编辑其设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click a node on the canvas, or drag one in from the palette.</source>
        <translation>在画布上点击节点，或从节点库拖入一个节点。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select a single node to edit its settings.</source>
        <translation>请只选择一个节点来编辑其设置。</translation>
    </message>
    <message numerus="yes">
        <location line="+78"/>
        <source>%n nodes selected</source>
        <translation>
            <numerusform>已选择 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>The node type “%1” is not installed, so its settings cannot be edited here. Its data is kept unchanged and saved with the journey.</source>
        <translation>节点类型“%1”未安装，因此无法在此编辑其设置。其数据保持不变，并随旅程一起保存。</translation>
    </message>
</context>
<context>
    <name>JourneyBrowser</name>
    <message>
        <location filename="../../gui/journey_browser.py" line="+111"/>
        <source>Show archived</source>
        <translation>显示已归档</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Create a new journey</source>
        <translation>新建旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the selected journey</source>
        <translation>打开所选旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rename the selected journey</source>
        <translation>重命名所选旅程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Make a copy of the selected journey</source>
        <translation>为所选旅程创建副本</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+16"/>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <location line="-16"/>
        <location line="+17"/>
        <source>Hide the selected journey from the list</source>
        <translation>从列表中隐藏所选旅程</translation>
    </message>
    <message>
        <location line="-15"/>
        <location line="+292"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="-292"/>
        <source>Delete the selected journey for good</source>
        <translation>永久删除所选旅程</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Unarchive</source>
        <translation>取消归档</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bring the selected journey back to the list</source>
        <translation>将所选旅程恢复到列表中</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The journeys could not be listed.</source>
        <translation>无法列出旅程。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>1 node</source>
        <translation>1 个节点</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n nodes</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latest published version: %1</source>
        <translation>最新发布版本：%1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latest published version</source>
        <translation>最新发布版本</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+14"/>
        <source>Never published</source>
        <translation>从未发布</translation>
    </message>
    <message>
        <location line="-189"/>
        <source>Search…</source>
        <extracomment>The workspace changed through this widget (rename, duplicate, archive, delete).</extracomment>
        <translation>搜索…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find journeys by name or description</source>
        <translation>按名称或描述查找旅程</translation>
    </message>
    <message>
        <location line="+211"/>
        <source>No workspace is open.</source>
        <translation>未打开工作区。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No journey matches “%1”.</source>
        <translation>没有符合“%1”的旅程。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No journeys yet. Click New to create one.</source>
        <translation>还没有旅程。点击“新建”创建一个。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No journeys here. Click New to create one, or tick Show archived.</source>
        <translation>此处没有旅程。点击“新建”创建一个，或勾选“显示已归档”。</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Open in the editor</source>
        <translation>在编辑器中打开</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>The journey could not be renamed.</source>
        <translation>无法重命名旅程。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The journey could not be duplicated.</source>
        <translation>无法为旅程创建副本。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The journey could not be archived.</source>
        <translation>无法归档旅程。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Delete “%1”? Its draft and all published versions are removed. This cannot be undone.</source>
        <translation>删除“%1”？其草稿和所有已发布版本都将被移除。此操作无法撤销。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The journey could not be deleted.</source>
        <translation>无法删除旅程。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Delete journey</source>
        <translation>删除旅程</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Journeys</source>
        <translation>旅程</translation>
    </message>
</context>
<context>
    <name>JourneySettingsDialog</name>
    <message>
        <location filename="../../gui/settings_dialog.py" line="+19"/>
        <source>Journey settings</source>
        <translation>旅程设置</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Fix the highlighted settings first.</source>
        <translation>请先修正突出显示的设置。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A journey needs a name.</source>
        <translation>请为旅程命名。</translation>
    </message>
</context>
<context>
    <name>JourneyStatus</name>
    <message>
        <location filename="../../gui/journey_browser.py" line="-431"/>
        <location line="+5"/>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
</context>
<context>
    <name>LiveEngineService</name>
    <message>
        <location filename="../../gui/live_engine.py" line="+133"/>
        <source>The live engine runs your live journeys in the background while the app is open: it hands new events to them, wakes waiting customers and sends through your connected channels.</source>
        <translation>运行引擎在应用打开期间于后台运行您的正式旅程：将新事件交给旅程、唤醒等待中的客户，并通过已连接的渠道发送消息。</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Engine starting…</source>
        <extracomment>Seconds between two passes. Messages waiting for another attempt, as of the last pass. What the latest pass says cannot be done now (every pass reports what lasts), and since when the same warnings have been shown.</extracomment>
        <translation>引擎启动中…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Warnings since %1:</source>
        <translation>自 %1 以来的警告：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Engine running · checked %1</source>
        <translation>引擎运行中 · 检查于 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 sent, %2 failed since start</source>
        <translation>启动以来已发送 %1 条，失败 %2 条</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 message waiting to be tried again</source>
        <translation>1 条消息等待重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 messages waiting to be tried again</source>
        <translation>%1 条消息等待重试</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 warning since %1</source>
        <translation>自 %1 以来 1 条警告</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n warnings since %1</source>
        <translation>
            <numerusform>自 %1 以来 %n 条警告</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Engine stopped a pass: %1</source>
        <translation>引擎中止了一轮处理：%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/main_window.py" line="+58"/>
        <location line="+256"/>
        <location line="+724"/>
        <source>Journey Studio</source>
        <extracomment>After collector events arrive, read the event names again once arrivals pause this long. Opening a journey never zooms out further than this, so node text stays readable.</extracomment>
        <translation>Journey Studio</translation>
    </message>
    <message>
        <location line="-959"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Journeys</source>
        <translation>旅程</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Inspector</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tracking</source>
        <translation>追踪</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>Start page</source>
        <translation>开始页</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Templates and recent journeys</source>
        <translation>模板和最近的旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New journey</source>
        <translation>新建旅程(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start a blank journey</source>
        <translation>新建空白旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save draft</source>
        <translation>保存草稿(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the draft to the workspace</source>
        <translation>将草稿保存到工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Import journey file…</source>
        <translation>导入旅程文件(&amp;I)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a .journey.json file as a new journey</source>
        <translation>将 .journey.json 文件作为新旅程打开</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Export journey file…</source>
        <translation>导出旅程文件(&amp;E)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save this journey as a .journey.json file</source>
        <translation>将此旅程另存为 .journey.json 文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Duplicate</source>
        <translation>创建副本(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom to &amp;fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the whole journey</source>
        <translation>显示整个旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find node type</source>
        <translation>查找节点类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Validate the journey</source>
        <translation>校验旅程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Publish</source>
        <translation>发布(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Validate and store an immutable version of this journey</source>
        <translation>校验此旅程并存储一个不可更改的版本</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Go &amp;live</source>
        <translation>正式上线(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publish this journey and start running it for real customers</source>
        <translation>发布此旅程，并开始对真实客户运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>P&amp;ause</source>
        <translation>暂停(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop starting new runs of this journey; it keeps its versions</source>
        <translation>不再为此旅程开始新的运行；其版本会保留</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Chec&amp;k for problems</source>
        <translation>检查问题(&amp;K)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Journey se&amp;ttings…</source>
        <translation>旅程设置(&amp;T)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name, time zone, quiet hours, frequency cap, goals</source>
        <translation>名称、时区、免打扰时段、频次上限、目标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Simulate</source>
        <translation>模拟(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run synthetic customers through this journey on a virtual clock</source>
        <translation>用虚拟时钟让合成客户走完此旅程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show &amp;metrics on canvas</source>
        <translation>在画布上显示指标(&amp;M)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;About Journey Studio</source>
        <translation>关于 Journey Studio(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Channels…</source>
        <translation>渠道(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connect email, SMS, webhook and chat accounts; test them and see their last errors</source>
        <translation>连接邮件、短信、Webhook 和聊天账号；测试账号并查看最近的错误</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Profiles…</source>
        <translation>客户档案(&amp;P)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Find customers; see, edit, export or erase their profiles</source>
        <translation>查找客户；查看、编辑、导出或彻底删除其客户档案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Segments…</source>
        <translation>分群(&amp;S)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Build segments from attributes, tags, consent and events</source>
        <translation>基于属性、标签、授权和事件创建分群</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import &amp;customers…</source>
        <translation>导入客户(&amp;C)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bring customers in from a CSV file (a spreadsheet or a shop&apos;s export)</source>
        <translation>从 CSV 文件导入客户（电子表格或店铺导出的文件）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import e&amp;vents…</source>
        <translation>导入事件(&amp;V)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bring events in from a CSV file: who did what, and when</source>
        <translation>从 CSV 文件导入事件：谁在何时做了什么</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;ollector…</source>
        <translation>采集器(&amp;O)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Receive events from websites and apps (Segment and Sensors Analytics SDKs) and watch them arrive</source>
        <translation>接收来自网站和应用的事件（Segment 和 Sensors Analytics SDK），并实时查看事件到达</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Journey</source>
        <translation>旅程(&amp;J)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Track</source>
        <translation>追踪(&amp;T)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Cannot read the workspace</source>
        <translation>无法读取工作区</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot open the template</source>
        <translation>无法打开模板</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Untitled journey</source>
        <translation>未命名旅程</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Cannot create the journey</source>
        <translation>无法创建旅程</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cannot open the journey</source>
        <translation>无法打开旅程</translation>
    </message>
    <message>
        <location line="+97"/>
        <source>Recover unsaved changes?</source>
        <translation>恢复未保存的更改？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Journey Studio closed before “%1” was saved. Recover the changes made since the last save?</source>
        <translation>Journey Studio 在“%1”保存之前关闭了。要恢复自上次保存以来的更改吗？</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the changes to “%1”?</source>
        <translation>保存对“%1”的更改？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If you don&apos;t save, the changes since the last save are lost.</source>
        <translation>如果不保存，自上次保存以来的更改将会丢失。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The draft was not saved</source>
        <translation>草稿未保存</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Draft saved</source>
        <translation>草稿已保存</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Autosave failed: %1</source>
        <translation>自动保存失败：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import journey</source>
        <translation>导入旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Journey files (*%1);;All files (*)</source>
        <translation>旅程文件 (*%1);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot import the file</source>
        <translation>无法导入该文件</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export journey</source>
        <translation>导出旅程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Journey files (*%1)</source>
        <translation>旅程文件 (*%1)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot export the journey</source>
        <translation>无法导出旅程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add %1</source>
        <translation>添加“%1”</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>The clipboard does not hold journey nodes.</source>
        <translation>剪贴板中没有旅程节点。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>No problems found</source>
        <translation>未发现问题</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n error(s) to fix</source>
        <translation>
            <numerusform>%n 个错误待修复</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+11"/>
        <location line="+3"/>
        <source>Not published</source>
        <translation>未能发布</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing changed since version %1: it stays the latest</source>
        <translation>自版本 %1 以来没有更改：它仍是最新版本</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Published version %1</source>
        <translation>已发布版本 %1</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>… and %n more</source>
        <translation>
            <numerusform>… 还有 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The journey has problems to fix first:</source>
        <translation>旅程存在以下问题，需要先修复：</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+19"/>
        <location line="+2"/>
        <source>Not live</source>
        <translation>未能上线</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Live with version %1</source>
        <translation>已正式上线，版本 %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not paused</source>
        <translation>未能暂停</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Live — version %1</source>
        <translation>运行中 — 版本 %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Paused — version %1</source>
        <translation>已暂停 — 版本 %1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Edit %1</source>
        <translation>编辑“%1”</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Channel account “%1” cannot be opened, so nothing is sent through it: %2</source>
        <translation>渠道账号“%1”无法打开，因此不会通过它发送任何内容：%2</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Fix the problems first: a journey with errors cannot run.</source>
        <translation>请先修复问题：存在错误的旅程无法运行。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Put in stage</source>
        <translation>放入阶段</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Take out of stage</source>
        <translation>移出阶段</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Edit journey settings</source>
        <translation>编辑旅程设置</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>&amp;Undo %1</source>
        <translation>撤销%1(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Redo %1</source>
        <translation>重做%1(&amp;R)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>About Journey Studio</source>
        <translation>关于 Journey Studio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Journey Studio %1&lt;/b&gt;&lt;br&gt;Map, track, analyze, orchestrate and optimize customer journeys on your own desktop.</source>
        <translation>&lt;b&gt;Journey Studio %1&lt;/b&gt;&lt;br&gt;在您自己的电脑上绘制、追踪、分析、编排和优化客户旅程。</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Import of %1: %2 rows read, %3 skipped with errors</source>
        <translation>导入 %1：已读取 %2 行，%3 行因错误被跳过</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Cannot read the segments and event names: %1</source>
        <translation>无法读取分群和事件名称：%1</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Cannot read the channel accounts: %1</source>
        <translation>无法读取渠道账号：%1</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <location filename="../../gui/import_wizard.py" line="-1057"/>
        <source>Choose what each column becomes</source>
        <extracomment>The inferred type in words. Warnings about the inferred types (dates whose day and month are unsure, numbers whose separator is), about what the checked plan will skip, and about the sample values that the chosen types, date format and time zone do not read. The zone this events file was imported with before (None: never). The date format chosen when this events file was imported before (None: none was).</extracomment>
        <translation>选择每一列的导入方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+169"/>
        <source>The suggestions come from the column names and values. Columns set to “Don&apos;t import” are left out.</source>
        <translation>建议根据列名和值生成。设为“不导入”的列将被忽略。</translation>
    </message>
    <message>
        <location line="-166"/>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>email, phone, user_id, anonymous_id, distinct_id, or custom:&lt;name&gt; for your own kind of identifier</source>
        <translation>email、phone、user_id、anonymous_id、distinct_id，或用 custom:&lt;name&gt; 表示您自己的标识类型</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>As detected in each column</source>
        <translation>按各列的检测结果</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a format, or type a pattern such as %d.%m.%Y %H:%M</source>
        <translation>选择格式，或输入格式模式，例如 %d.%m.%Y %H:%M</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Type a city or region, e.g. Berlin</source>
        <translation>输入城市或地区，例如 Berlin</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The zone of times written without one; times are stored in UTC</source>
        <translation>未注明时区的时间所用的时区；时间以 UTC 存储</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+433"/>
        <source>Only when no column holds the event name</source>
        <translation>仅在没有列包含事件名称时填写</translation>
    </message>
    <message>
        <location line="-429"/>
        <source>Keep as written</source>
        <translation>保持原样</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Phone numbers written without a country code, such as 06 12 34 56 78, are read as numbers of this country and stored with it (+33 6 12 34 56 78), the way websites and apps send them, so that both name the same customer. Numbers that are not numbers of this country are kept as written and listed after the import. The workspace remembers the country for its next imports and for the event collector.</source>
        <translation>未带国家/地区代码的手机号码（如 06 12 34 56 78）会被视为该国家/地区的号码，并连同代码一起存储（+33 6 12 34 56 78），与网站和 App 发送的格式一致，从而让两者指向同一客户。不属于该国家/地区的号码将按原样保留，并在导入后列出。工作区会记住该国家/地区，用于之后的导入和事件采集器。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Country of numbers without +:</source>
        <translation>不带 + 的号码所属国家/地区(&amp;C)：</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>as</source>
        <extracomment>The country remembered by the workspace when the page was built (None: none). Phone identifiers stored without a country code (None: not counted yet).</extracomment>
        <translation>作为</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Customer &amp;identified by:</source>
        <translation>客户标识依据(&amp;I)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Dates:</source>
        <translation>日期(&amp;D)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every row is the &amp;event:</source>
        <translation>每行的事件(&amp;E)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Time &amp;zone:</source>
        <translation>时区(&amp;Z)：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sample values</source>
        <translation>样本值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Import as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The columns start as in your last import of a file with the same columns. Columns set to “Don&apos;t import” are left out.</source>
        <translation>各列的初始设置沿用您上次导入相同列的文件时的设置。设为“不导入”的列将被忽略。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Column “%1”: its dates could be day/month or month/day; they are read as day/month/year unless you choose another format under Dates.</source>
        <translation>列“%1”：其日期可能是日/月，也可能是月/日；除非您在“日期”中选择其他格式，否则按日/月/年读取。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Column “%1”: %2.</source>
        <translation>列“%1”：%2。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>%1 of %2 sampled rows are empty</source>
        <translation>%2 个样本行中有 %1 个为空</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The column that tells one event from another, such as an order number: rows with the same value and time are one event (an order&apos;s line items), and importing the next export of the same orders adds nothing. The value is kept as an event property too.</source>
        <translation>用来区分各个事件的列，例如订单号：值和时间都相同的行是同一个事件（一个订单的各个商品行），再次导入同一批订单的新导出文件时不会重复添加。该值也会保留为一个事件属性。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A value of each line item of an order, such as its product or quantity: every row of the order adds one entry to the event&apos;s “items” list. Needs an “Event id (order number)” column.</source>
        <translation>订单中每个商品项的值，例如商品或数量：该订单的每一行都会在事件的“items”列表中加入一项。需要一个“事件 ID（订单号）”列。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>kind, e.g. email</source>
        <translation>类型，例如 email</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>attribute name</source>
        <translation>属性名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>channel, e.g. email</source>
        <translation>渠道，例如 email</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>property name</source>
        <translation>属性名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>name in each item</source>
        <translation>每项中的名称</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text, split at , ; | 、</source>
        <translation>文本，按 , ; | 、 拆分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time zone name</source>
        <translation>时区名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Yes / no</source>
        <translation>是 / 否</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+219"/>
        <source>%1 (detected)</source>
        <translation>%1（自动检测）</translation>
    </message>
    <message>
        <location line="-85"/>
        <source>%1 of %2 columns will be imported; the customer is found by %3 (%4).</source>
        <translation>将导入 %2 列中的 %1 列；通过“%3”列（%4）识别客户。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Taken from column “%1”</source>
        <translation>取自列“%1”</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This file was imported before with times read in %1; read in %2, its events are stored again at other times. Choose %1 to add nothing twice.</source>
        <translation>此文件之前导入时按 %1 读取时间；若按 %2 读取，其事件会以不同的时间再次存储。请选择 %1，以免重复添加。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This file was imported before with times read in %1; read in %2, the customers&apos; date and time attributes change. Choose %1 to change nothing.</source>
        <translation>此文件之前导入时按 %1 读取时间；按 %2 读取会改变客户的日期时间属性。选择 %1 则不会改变任何内容。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This file was imported before with its dates read as “%1”; read another way, its events whose day and month can be swapped are stored again at other dates. Choose “%1” under Dates to add nothing twice.</source>
        <translation>此文件之前导入时，日期按“%1”读取；若换一种读法，日和月可以互换的事件会以其他日期再存一次。请在“日期”中选择“%1”，以免重复添加。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This file was imported before with its dates read as “%1”; read another way, its dates whose day and month can be swapped change. Choose “%1” under Dates to change nothing.</source>
        <translation>此文件之前导入时日期按“%1”读取；按其他方式读取，日和月可互换的日期会改变。在“日期”中选择“%1”则不会改变任何内容。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>1 phone number is stored without a country code (imported with “Keep as written”): read as %2 numbers, this file&apos;s numbers will not find that customer, who would become a second one. Write the stored number with its country code first (“Phone numbers…” in the Profiles window).</source>
        <translation>有 1 个手机号存储时没有国家代码（导入时选了“保持原样”）：按 %2 号码读取时，此文件中的号码找不到该客户，该客户会变成第二个客户。请先为已存储的号码加上国家代码（客户档案窗口中的“手机号…”）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 phone numbers are stored without a country code (imported with “Keep as written”): read as %2 numbers, this file&apos;s numbers will not find those customers, who would become second ones. Write the stored numbers with their country code first (“Phone numbers…” in the Profiles window).</source>
        <translation>有 %1 个手机号存储时没有国家代码（导入时选了“保持原样”）：按 %2 号码读取时，此文件中的号码找不到这些客户，他们会变成重复的客户。请先为已存储的号码加上国家代码（客户档案窗口中的“手机号…”）。</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>%1 (chosen under Dates)</source>
        <translation>%1（在“日期”中选择）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (most values)</source>
        <translation>%1（多数值）</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../gui/profiles_window.py" line="+226"/>
        <location line="+75"/>
        <source>Merge profiles</source>
        <extracomment>Both profiles hold a user id and the user said they are one person with two accounts.</extracomment>
        <translation>合并客户档案</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Find the other profile of %1. One of the two stays; the other&apos;s identifiers, events and journeys move to it, and it is deleted.</source>
        <extracomment>The id of a customer to pick as the other profile once the search lists them.</extracomment>
        <translation>查找 %1 的另一份客户档案。两份中保留一份；另一份的标识、事件和旅程将移入保留的档案，然后被删除。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Search by email, phone, id, tag or any attribute value…</source>
        <translation>按邮箱、手机号、ID、标签或任意属性值搜索…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Keep:</source>
        <translation>保留：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stays</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Merged into it, then deleted</source>
        <translation>合并后删除</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>They are one person with two accounts: merge anyway and keep both user ids</source>
        <translation>他们是拥有两个账号的同一个人：仍然合并，并保留两个用户 ID</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The merge is recorded in the workspace&apos;s merge history. It cannot be undone.</source>
        <translation>此次合并会记录在工作区的合并历史中，且无法撤销。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No other customer matches “%1”.</source>
        <translation>没有其他客户符合“%1”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no other customer.</source>
        <translation>没有其他客户。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 matches · showing the first %2; type more to narrow them</source>
        <translation>%1 位客户符合 · 显示前 %2 位；输入更多内容可缩小范围</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>1 match</source>
        <translation>1 位客户符合</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 matches</source>
        <translation>%1 位客户符合</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Reading both profiles…</source>
        <translation>正在读取两份客户档案…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>These profiles cannot be merged: %1</source>
        <translation>无法合并这两份客户档案：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No identifiers</source>
        <translation>无标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 event</source>
        <translation>1 个事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 journey run</source>
        <translation>1 次旅程运行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 journey runs</source>
        <translation>%1 次旅程运行</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (this profile)</source>
        <translation>%1（当前客户档案）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the other profile</source>
        <translation>另一份客户档案</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose the other profile in the list.</source>
        <translation>请在列表中选择另一份客户档案。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1&apos;s identifiers, events, journey runs, messages, segment memberships and unsubscribes move to %2. Where both have an attribute, %2&apos;s value stays; tags are combined; a refused consent stays refused.</source>
        <translation>%1 的标识、事件、旅程运行、消息、分群成员身份和退订记录将移至 %2。两者都有的属性保留 %2 的值；标签会合并；已拒绝的授权仍保持拒绝。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 open journey run of %2 ends: %3 is in the middle of the same journey.</source>
        <translation>%2 的 1 次进行中的旅程运行将结束：%3 正处于同一旅程中。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 open journey runs of %2 end: %3 is in the middle of the same journeys.</source>
        <translation>%2 的 %1 次进行中的旅程运行将结束：%3 正处于相同的旅程中。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not merged as it stands: both profiles hold a user id (%1). A user id names one account in your own systems and a profile holds at most one, so two user ids usually mean two people.</source>
        <translation>目前无法合并：两份客户档案都有用户 ID（%1）。一个用户 ID 对应您自有系统中的一个账号，而一份客户档案最多只有一个用户 ID，因此两个用户 ID 通常意味着两个人。</translation>
    </message>
</context>
<context>
    <name>Palette</name>
    <message>
        <location filename="../../gui/palette.py" line="+199"/>
        <source>Search nodes…</source>
        <translation>搜索节点…</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>&lt;br&gt;&lt;span style=&apos;color:gray&apos;&gt;Drag onto the canvas or double-click to add.&lt;/span&gt;</source>
        <translation>&lt;br&gt;&lt;span style=&apos;color:gray&apos;&gt;拖到画布上或双击即可添加。&lt;/span&gt;</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No node matches “%1”.</source>
        <translation>没有符合“%1”的节点。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No node types are installed.</source>
        <translation>未安装任何节点类型。</translation>
    </message>
</context>
<context>
    <name>PhoneNumbersDialog</name>
    <message>
        <location filename="../../gui/phone_numbers_dialog.py" line="+104"/>
        <source>Phone numbers without a country code</source>
        <extracomment>Numbers the table lists at most (the summary counts them all). The dialog&apos;s size once it lists numbers (it opens as small as its text while it has none). (what happens, the number), merges first, as listed. Customer id → the label to show (name, else main identifier, else id). Numbers were written (profiles may have been merged); carries the PhoneOutcome.</extracomment>
        <translation>没有国家/地区代码的手机号</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Numbers stored before the workspace had a phone country keep the form they were stored in (0612345678), so a customer imported before and after can have two profiles. Written with the country code, they are stored the way imports and the collector store them now (+33612345678).</source>
        <translation>在工作区设置号码所属国家/地区之前存储的号码保留了存储时的形式（0612345678），因此在此前后分别导入的同一客户可能有两个客户档案。改写为带国家/地区代码后，这些号码将按导入和采集器现在的方式存储（+33612345678）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The country the numbers written without a country code are numbers of</source>
        <translation>不带国家/地区代码的号码所属的国家/地区</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Country of numbers without +:</source>
        <translation>不带 + 的号码所属国家/地区(&amp;C)：</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored as</source>
        <translation>存储形式</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>With country code</source>
        <translation>带国家/地区代码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What happens</source>
        <translation>处理方式</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>&amp;Write with country code…</source>
        <translation>改写为带国家/地区代码(&amp;W)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Store these numbers with the country code, merging each profile whose number another customer holds with the country code into that customer&apos;s profile; asks first</source>
        <translation>以带国家/地区代码的形式存储这些号码；若某个号码已被另一客户以带国家/地区代码的形式持有，则将该客户档案合并到那位客户的档案中；执行前会先询问</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Choose a country</source>
        <extracomment>Numbers stored without a country code (None until read): none means nothing to fix.</extracomment>
        <translation>选择国家/地区</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Choose the country the numbers written without a country code are numbers of.</source>
        <translation>请选择不带国家/地区代码的号码所属的国家/地区。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the phone numbers…</source>
        <translation>正在读取手机号…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The workspace has no phone country: later imports and the collector keep numbers written without a country code as written. Choose the country in the import wizard to have them read as its numbers.</source>
        <translation>工作区尚未设置号码所属国家/地区：之后的导入和采集器会按原样保留不带国家/地区代码的号码。请在导入向导中选择国家/地区，让这些号码按该国家/地区的号码读取。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The workspace reads numbers written without a country code as %1 numbers, not %2.</source>
        <translation>工作区将不带国家/地区代码的号码读作 %1 号码，而不是 %2 号码。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>1 phone number is stored without a country code. Choose the country it is a number of.</source>
        <translation>有 1 个手机号存储时没有国家/地区代码。请选择它所属的国家/地区。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 phone numbers are stored without a country code. Choose the country they are numbers of.</source>
        <translation>有 %1 个手机号存储时没有国家/地区代码。请选择它们所属的国家/地区。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No phone numbers to fix: none is stored without a country code. Nothing needs doing here.</source>
        <translation>没有需要修正的手机号：没有任何号码在存储时缺少国家/地区代码。这里无需任何操作。</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>The phone numbers could not be read.</source>
        <translation>无法读取手机号。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing to do: every phone number is stored with its country code.</source>
        <translation>无需处理：所有手机号都已带国家/地区代码存储。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 phone number is stored without a country code; read as a %2 number (%3):</source>
        <translation>1 个手机号存储时未带国家/地区代码；按 %2 号码（%3）读取：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 phone numbers are stored without a country code; read as %2 numbers (%3):</source>
        <translation>%1 个手机号存储时未带国家/地区代码；按 %2 号码（%3）读取：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>1 would be written with the country code</source>
        <translation>1 个将改写为带国家/地区代码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 would be written with the country code</source>
        <translation>%1 个将改写为带国家/地区代码</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 is a number another customer holds with the country code: its profile would be merged into the one that holds the %2 number</source>
        <translation>1 个号码已被另一客户以带国家/地区代码的形式持有：其客户档案将合并到持有 %2 号码的档案中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 are numbers other customers hold with the country code: their profiles would be merged into the ones that hold the %2 numbers</source>
        <translation>%1 个号码已被其他客户以带国家/地区代码的形式持有：这些客户档案将合并到持有 %2 号码的档案中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 pair of profiles is left alone: both hold a user id (use Merge… if they are one person)</source>
        <translation>1 对客户档案保持不变：两者都有用户 ID（如果是同一个人，请使用“合并…”）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 pairs of profiles are left alone: both profiles of each pair hold a user id (use Merge… if they are one person)</source>
        <translation>%1 对客户档案保持不变：每对中的两个档案都有用户 ID（如果是同一个人，请使用“合并…”）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 copy without the country code would be removed: its customer holds the %2 number already</source>
        <translation>1 个不带国家/地区代码的副本将被删除：其客户已持有 %2 号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 copies without the country code would be removed: their customers hold the %2 numbers already</source>
        <translation>%1 个不带国家/地区代码的副本将被删除：这些客户已持有 %2 号码</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 is not a valid %2 number and would be kept as written</source>
        <translation>1 个不是有效的 %2 号码，将按原样保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 are not valid %2 numbers and would be kept as written</source>
        <translation>%1 个不是有效的 %2 号码，将按原样保留</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing to do: the pairs left need a decision by hand.</source>
        <translation>无需处理：剩余的档案对需要人工决定。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing to do: the numbers left are not valid numbers of this country.</source>
        <translation>无需处理：剩余的号码不是该国家/地区的有效号码。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Customer %1</source>
        <translation>客户 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The first %1 of %2 numbers are listed.</source>
        <translation>仅列出 %2 个号码中的前 %1 个。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Written with the country code</source>
        <translation>改写为带国家/地区代码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Removed: the customer holds it with the country code already</source>
        <translation>删除：该客户已持有带国家/地区代码的号码</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Left alone: both this customer and %1 hold a user id</source>
        <translation>保持不变：此客户和 %1 都有用户 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Profile merged into %1, who holds %2</source>
        <translation>客户档案合并到 %1（持有 %2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a valid %1 number: kept as written</source>
        <translation>不是有效的 %1 号码：按原样保留</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Write phone numbers with their country code</source>
        <translation>为手机号加上国家/地区代码</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Writing the phone numbers…</source>
        <translation>正在改写手机号…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Write 1 phone number stored without a country code as a %2 number (%3)?</source>
        <translation>将 1 个未带国家/地区代码存储的手机号改写为 %2 号码（%3）？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Write %1 phone numbers stored without a country code as %2 numbers (%3)?</source>
        <translation>将 %1 个未带国家/地区代码存储的手机号改写为 %2 号码（%3）？</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1 pair of profiles will be merged into the profile that holds the %2 number. A merge cannot be undone.</source>
        <translation>1 对客户档案将合并到持有 %2 号码的档案中。合并无法撤销。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 pairs of profiles will be merged into the profiles that hold the %2 numbers. A merge cannot be undone.</source>
        <translation>%1 对客户档案将合并到持有 %2 号码的档案中。合并无法撤销。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No profiles will be merged.</source>
        <translation>不会合并任何客户档案。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Stopped by an error: %1. What was done before is kept; the rest is as it was: write again to do the rest.</source>
        <translation>因错误而停止：%1。已完成的部分会保留，其余部分保持原样：再次改写即可完成剩余部分。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Wrote 1 phone number with its country code (%2).</source>
        <translation>已为 1 个手机号加上国家/地区代码（%2）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wrote %1 phone numbers with their country code (%2).</source>
        <translation>已为 %1 个手机号加上国家/地区代码（%2）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Removed 1 copy without the country code.</source>
        <translation>已删除 1 个不带国家/地区代码的副本。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Removed %1 copies without the country code.</source>
        <translation>已删除 %1 个不带国家/地区代码的副本。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Merged 1 pair of profiles, keeping the one with the %2 number.</source>
        <translation>已合并 1 对客户档案，保留持有 %2 号码的档案。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Merged %1 pairs of profiles, keeping the ones with the %2 numbers.</source>
        <translation>已合并 %1 对客户档案，保留持有 %2 号码的档案。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Left 1 pair of profiles as it is: both hold a user id.</source>
        <translation>1 对客户档案保持原样：两者都有用户 ID。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Left %1 pairs of profiles as they are: both profiles of each pair hold a user id.</source>
        <translation>%1 对客户档案保持原样：每对中的两个档案都有用户 ID。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Left 1 number as it was: it changed while this ran.</source>
        <translation>1 个号码保持原样：处理期间它发生了变化。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Left %1 numbers as they were: they changed while this ran.</source>
        <translation>%1 个号码保持原样：处理期间它们发生了变化。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was changed.</source>
        <translation>未做任何更改。</translation>
    </message>
</context>
<context>
    <name>PlaceholderButton</name>
    <message>
        <location filename="../../gui/template_editor.py" line="+96"/>
        <source>Insert a placeholder: a customer attribute filled in for each customer</source>
        <extracomment>Customer attributes every workspace can offer, whatever its customers hold so far. Milliseconds of quiet typing before the preview renders again. A preview must not freeze the app for the engine&apos;s full second on a runaway template.</extracomment>
        <translation>插入占位符：为每位客户填入的客户属性</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Customer attributes</source>
        <translation>客户属性</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>First name, or “there” when unknown</source>
        <translation>名字，未知时用“there”</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <location filename="../../gui/import_wizard.py" line="-723"/>
        <source>Check the preview</source>
        <translation>检查预览</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The first rows as they will be read. If the letters look wrong or everything sits in one column, change the encoding or the delimiter.</source>
        <translation>以下是按当前设置读取的前几行。如果文字显示为乱码，或所有内容都挤在一列中，请更改编码或分隔符。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Encoding:</source>
        <translation>编码(&amp;E)：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Delimiter:</source>
        <translation>分隔符(&amp;D)：</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>%1 (detected)</source>
        <translation>%1（自动检测）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>An Excel workbook: its first sheet is read cell by cell.</source>
        <translation>Excel 工作簿：逐个单元格读取其第一个工作表。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1 column</source>
        <translation>1 列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 columns</source>
        <translation>%1 列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 · %2 · first sheet of the workbook</source>
        <translation>%1 · %2 · 工作簿的第一个工作表</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The first %1 lines after the header are blank; the import will tell whether any rows follow.</source>
        <translation>表头之后的前 %1 行为空行；导入时才能确定后面是否还有数据行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The file has no data rows: it holds only the header line. There is nothing to import; choose a file with rows, or add rows to this one and choose it again.</source>
        <translation>文件没有数据行：只有表头行。没有可导入的内容；请选择含有数据行的文件，或在此文件中添加数据行后重新选择。</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Row %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>…and %1 more rows that cannot be read</source>
        <translation>…另有 %1 行无法读取</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>These rows will be skipped and listed in the report:</source>
        <translation>以下行将被跳过，并在报告中列出：</translation>
    </message>
</context>
<context>
    <name>ProfilesWindow</name>
    <message>
        <location filename="../../gui/profiles_window.py" line="-786"/>
        <source>Text</source>
        <extracomment>Customers per page of results (the next page comes when the list is scrolled near its end). An e-mail address the Identifier column is wide enough for at the start (a long first and last name at a company domain; longer ones elide, with the whole address in the tooltip). A name the Name column is wide enough for at the start. Events per page of the timeline. The widest the events&apos; Source column grows to fit its labels (longer ones elide; the tooltip has the whole source). Typing pauses this long before a search starts. Attribute value types the table offers, in menu order.</extracomment>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yes / no</source>
        <translation>是/否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List or object (JSON)</source>
        <translation>列表或对象（JSON）</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location line="+1577"/>
        <source>Segment collector</source>
        <translation>Segment 采集器</translation>
    </message>
    <message>
        <location line="-1425"/>
        <source>“%1” is not a number</source>
        <translation>“%1”不是数字</translation>
    </message>
    <message>
        <location line="-192"/>
        <source>email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>user id</source>
        <translation>用户 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>distinct id</source>
        <translation>distinct_id</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>anonymous id</source>
        <translation>匿名 ID</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>part of the path is a file, not a folder</source>
        <translation>路径中有一部分是文件而不是文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>permission denied</source>
        <translation>权限不足</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the disk quota is used up</source>
        <translation>磁盘配额已用完</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the disk is read-only</source>
        <translation>磁盘为只读</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a folder of that name is in the way</source>
        <translation>已存在同名文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the name is too long</source>
        <translation>名称过长</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the system refused</source>
        <translation>系统拒绝了此操作</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Could not write %1: %2.</source>
        <translation>无法写入 %1：%2。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>“%1” is not a number: write it without thousands separators, with a decimal point or comma, like 1234.5</source>
        <translation>“%1”不是数字：请勿使用千位分隔符，小数部分用小数点或逗号，例如 1234.5</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>“%1” could mean %2 or %3: write the one you mean</source>
        <translation>“%1”可能表示 %2 或 %3：请写明您要的值</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>“%1” is not a finite number</source>
        <translation>“%1”不是有限数值</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>“%1” is not a date like 2025-03-01 or 2025-03-01T09:30</source>
        <translation>“%1”不是有效日期，应写作 2025-03-01 或 2025-03-01T09:30 这样的格式</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>write true or false, not “%1”</source>
        <translation>请填写 true 或 false，而不是“%1”</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>“%1” is not valid JSON</source>
        <translation>“%1”不是有效的 JSON</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>null is not a value; remove the attribute instead</source>
        <translation>null 不是有效值；如需清空，请删除该属性</translation>
    </message>
    <message>
        <location line="+259"/>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>granted</source>
        <translation>已授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting for %1</source>
        <translation>等待 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting until %1</source>
        <translation>等待至 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Active</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>converted</source>
        <translation>已转化</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Live</source>
        <translation>正式</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulation</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location line="+299"/>
        <source>Customer profiles</source>
        <extracomment>Double-clicking a run asks the main window to open its journey. A customer was saved or erased (other views may show stale numbers).</extracomment>
        <translation>客户档案</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Undo</source>
        <extracomment>The search text changed since the last results came back: they replace the shown customer by their best match (a refresh with the same text does not). The detail pane says who was just erased: a search coming back does not replace it by its best match (only a customer the user picks, or a new search text, does). The shown customer is no longer in the workspace (merged into another profile, or erased, elsewhere): the pane keeps showing it, with the unsaved edits, under a notice. The workspace&apos;s country of phone numbers written without a country code (read with each profile), for the form an edited phone number takes as an identifier. Identifier changes the user unticked in the edit bar, as (kind, old, new). Edits of a profile merged away, to be put on the kept profile once it is shown: (kept id, the state they started from, the edited state, the identifier changes the user had unticked). Edits carried from a profile merged away that the kept profile&apos;s values stood in the way of (what the &quot;applied&quot; notice lists). Attributes whose edit was carried over from a profile merged away (until the shown profile is read again): their identifier follows only from an identifier equal to the value they had (:func:`gui.profile_saving.follow_identifier`, ``strict``). What the notice bar says: &quot;gone&quot; (the shown customer went), &quot;held&quot; (an identifier a save left), &quot;applied&quot; (edits carried from a profile merged away), or None; and about which customer. The customer the notice&apos;s Merge… button offers (one who holds an identifier a save left). The Phone numbers dialog last opened (None: never).</extracomment>
        <translation>撤销</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Find customer</source>
        <translation>查找客户</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1121"/>
        <source>Save changes</source>
        <translation>保存更改</translation>
    </message>
    <message>
        <location line="-1104"/>
        <location line="+466"/>
        <source>Load more</source>
        <translation>加载更多</translation>
    </message>
    <message>
        <location line="-462"/>
        <source>List the next %1 customers (scrolling to the end of the list does the same)</source>
        <translation>列出接下来的 %1 位客户（滚动到列表末尾效果相同）</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>&amp;Phone numbers…</source>
        <translation>手机号(&amp;P)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Phone numbers stored without a country code: see what writing them with it does (profiles of one person are merged), and do it</source>
        <translation>存储时未带国家代码的手机号：查看补上国家代码后的影响（同一人的多个客户档案会被合并），并执行</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save everything stored about this customer as a JSON file</source>
        <translation>将此客户的所有存储数据保存为 JSON 文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+66"/>
        <source>Merge…</source>
        <translation>合并…</translation>
    </message>
    <message>
        <location line="-64"/>
        <location line="+826"/>
        <source>Find another profile of the same person and merge the two into one</source>
        <translation>查找同一人的另一个客户档案，并将两者合并为一个</translation>
    </message>
    <message>
        <location line="-823"/>
        <source>Delete customer…</source>
        <translation>删除客户…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Erase this customer and everything about them (the right to be forgotten)</source>
        <translation>清除此客户及其所有相关数据（被遗忘权）</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent and tags</source>
        <translation>授权与标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+591"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="-590"/>
        <source>Journeys</source>
        <translation>旅程</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the changes and show the stored profile</source>
        <translation>放弃更改，显示已存储的客户档案</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+712"/>
        <source>Store the changed attributes, consent and tags (Ctrl+S)</source>
        <translation>保存已更改的属性、授权和标签（Ctrl+S）</translation>
    </message>
    <message>
        <location line="-694"/>
        <source>Events, look-ups and merges find a customer by their identifiers, while messages go to the attribute. Untick to change the attribute only.</source>
        <translation>事件、查找和合并都通过标识找到客户，而消息发往该属性中的地址。取消勾选则只修改属性。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Edit attribute</source>
        <translation>编辑属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+582"/>
        <location line="+23"/>
        <source>Add attribute</source>
        <translation>添加属性</translation>
    </message>
    <message>
        <location line="-603"/>
        <location line="+49"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="-48"/>
        <source>Remove the selected attributes</source>
        <translation>移除所选属性</translation>
    </message>
    <message>
        <location line="+397"/>
        <source>Matches now: %1</source>
        <translation>当前符合：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Matches no saved segment now.</source>
        <translation>当前不符合任何已保存的分群。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The saved segments whose rules pick this customer now, as the segment builder counts them.</source>
        <translation>当前规则选中此客户的已保存分群，与分群构建器的计数一致。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stored membership, which starts journeys, as of the engine&apos;s last look at each segment: %1</source>
        <translation>已存储的成员资格（用于启动旅程，以引擎上次检查各分群时为准）：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stored membership, which starts journeys, as of the engine&apos;s last look at each segment: none yet.</source>
        <translation>已存储的成员资格（用于启动旅程，以引擎上次检查各分群时为准）：尚无。</translation>
    </message>
    <message>
        <location line="+122"/>
        <source>%1
In this computer&apos;s time zone: %2</source>
        <translation>%1
本机时区：%2</translation>
    </message>
    <message>
        <location line="+129"/>
        <source>This profile is no longer in the workspace</source>
        <translation>此客户档案已不在工作区中</translation>
    </message>
    <message>
        <location line="+164"/>
        <source>Also change the %1 identifier from %2 to %3</source>
        <translation>同时将%1标识从 %2 改为 %3</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the %1 identifier is now %2</source>
        <translation>%1标识现为 %2</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Save undone</source>
        <translation>已撤销保存</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save redone</source>
        <translation>已重做保存</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not undone</source>
        <translation>未能撤销</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not redone</source>
        <translation>未能重做</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>by an identify from your website or app</source>
        <translation>通过网站或 App 的 identify 调用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by an alias from your website or app</source>
        <translation>通过网站或 App 的 alias 调用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by a sign-up in your app</source>
        <translation>通过 App 中的注册</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by an event that named both profiles</source>
        <translation>通过同时指明两个客户档案的事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by a merge by hand</source>
        <translation>通过手动合并</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>at %1</source>
        <translation>于 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on %1</source>
        <translation>于 %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This profile was merged into %1 (%2) %3.</source>
        <translation>此客户档案已%3（%2）合并到 %1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This profile was merged into %1 %2.</source>
        <translation>此客户档案已%2 合并到 %1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This profile was merged into another profile (%2) %3, and that one into %1 since.</source>
        <translation>此客户档案已%3（%2）合并到另一个客户档案，该档案此后又合并到了 %1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This profile was merged into another profile %2, and that one into %1 since.</source>
        <translation>此客户档案已%2 合并到另一个客户档案，该档案此后又合并到了 %1。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This profile was erased: it is no longer in the workspace.</source>
        <translation>此客户档案已被清除：它已不在工作区中。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your unsaved changes cannot be stored; they stay shown below until you pick another customer.</source>
        <translation>您未保存的更改无法保存；在您选择其他客户之前，它们会一直显示在下方。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not saved: this profile was merged into %1. Use “Apply my changes” above.</source>
        <translation>未保存：此客户档案已合并到 %1。请使用上方的“应用我的更改”。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not saved: this profile was erased.</source>
        <translation>未保存：此客户档案已被清除。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Open %1</source>
        <translation>打开 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Apply my changes to %1</source>
        <translation>应用我的更改到 %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The %1 identifier stays %2: %3 already belongs to another customer, %4.</source>
        <translation>%1标识仍为 %2：%3 已属于另一位客户 %4。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 already belongs to another customer, %2.</source>
        <translation>%1 已属于另一位客户 %2。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If they are the same person, merge the two profiles.</source>
        <translation>如果是同一人，请合并这两个客户档案。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Merge with %1…</source>
        <translation>与 %1 合并…</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Nothing to apply: %1 has these values already</source>
        <translation>无需应用：%1 已有这些值</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Apply changes</source>
        <translation>应用更改</translation>
    </message>
    <message>
        <location line="+164"/>
        <source>%1 erased</source>
        <translation>已清除 %1</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>another profile</source>
        <translation>另一个客户档案</translation>
    </message>
    <message>
        <location line="-1374"/>
        <source>Consent per channel</source>
        <translation>各渠道授权</translation>
    </message>
    <message>
        <location line="-1036"/>
        <source>Numbers take a decimal point or a decimal comma (99.5 or 99,5), and thousands separators with the other mark (1.234,5 or 1,234.5): 1,000 alone could be a thousand or one, so write 1000 or 1.0.</source>
        <translation>数字可用小数点或小数逗号（99.5 或 99,5），千位分隔符则用另一种符号（1.234,5 或 1,234.5）：单独写 1,000 既可能是一千也可能是一，请写成 1000 或 1.0。</translation>
    </message>
    <message>
        <location line="+751"/>
        <source>Search by email, phone, id, tag or any attribute value…</source>
        <translation>按邮箱、手机号、ID、标签或任意属性值搜索…</translation>
    </message>
    <message>
        <location line="+290"/>
        <source>Ticked: granted. Empty: refused. Filled square: not recorded. Click to grant or refuse; right-click for “not recorded”.</source>
        <translation>打勾：已授权。空白：已拒绝。实心方块：未记录。点击可授权或拒绝；右键点击可标为“未记录”。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New tag</source>
        <translation>新标签</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+583"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location line="-580"/>
        <source>Remove the selected tags</source>
        <translation>移除所选标签</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Segments</source>
        <translation>分群</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Properties</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Show older events</source>
        <translation>显示更早的事件</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Journey</source>
        <translation>旅程</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Current step</source>
        <translation>当前步骤</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Double-click a run to open its journey</source>
        <translation>双击某次运行可打开其旅程</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This customer has not been in any journey yet.</source>
        <translation>此客户尚未进入任何旅程。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No customers</source>
        <translation>没有客户</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No matches</source>
        <translation>无符合结果</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No customer matches “%1”.
Search looks in every identifier (email, phone, user id…) and attribute value.</source>
        <translation>没有符合“%1”的客户。
搜索范围包括所有标识（邮箱、手机号、用户 ID…）和属性值。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No customers yet — import a CSV or start the collector.
Customers appear here as soon as their first event or profile arrives.</source>
        <translation>还没有客户 — 请导入 CSV 或启动采集器。
客户的第一个事件或客户档案一到达，就会显示在这里。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 matches</source>
        <translation>%1 位符合</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>1 match</source>
        <translation>1 位符合</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 customers</source>
        <translation>%1 位客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 customer</source>
        <translation>1 位客户</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>showing %1</source>
        <translation>已显示 %1 位</translation>
    </message>
    <message>
        <location line="+117"/>
        <source>No identifiers</source>
        <translation>无标识</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Customer since %1 · updated %2</source>
        <translation>%1 成为客户 · %2 更新</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In Journey Studio since %1</source>
        <translation>加入 Journey Studio 于 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>First event %1</source>
        <translation>首个事件于 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>time zone %1</source>
        <translation>时区 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Customer id %1</source>
        <translation>客户 ID %1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>This customer could not be shown: %1</source>
        <translation>无法显示此客户：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profiles show what you know about each customer: identifiers, attributes, consent, events and journeys.</source>
        <translation>客户档案展示您对每位客户的了解：标识、属性、授权、事件和旅程。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+549"/>
        <location line="+296"/>
        <source>Select a customer to see their profile.</source>
        <translation>请选择一位客户以查看其客户档案。</translation>
    </message>
    <message>
        <location line="-824"/>
        <source>Unsubscribed: %1</source>
        <translation>已退订：%1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Source: %1</source>
        <translation>数据源：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No source recorded</source>
        <translation>未记录数据源</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Events (%1)</source>
        <translation>事件（%1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No events recorded for this customer.</source>
        <translation>此客户没有事件记录。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Newest first · showing %1 of %2</source>
        <translation>最新的在前 · 显示 %1 / %2</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Journeys (%1)</source>
        <translation>旅程（%1）</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Change consent</source>
        <translation>更改授权</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Remove attribute</source>
        <translation>移除属性</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Remove tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Save or revert your changes before merging</source>
        <translation>合并前请先保存或还原您的更改</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Row %1: the attribute needs a name</source>
        <translation>第 %1 行：属性需要名称</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Row %1: “%2” is listed twice</source>
        <translation>第 %1 行：“%2”重复出现</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Row %1 (%2): %3</source>
        <translation>第 %1 行（%2）：%3</translation>
    </message>
    <message>
        <location line="+133"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location line="+345"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location line="-2"/>
        <location line="+4"/>
        <source>Not exported</source>
        <translation>未导出</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>%1 was not removed: %2&apos;s %1 is %3.</source>
        <translation>未移除 %1：%2 的 %1 为 %3。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Consent for %1 was not carried over: %2&apos;s consent for %1 is %3.</source>
        <translation>未沿用%1授权：%2 的%1授权为%3。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 was not carried over: %2&apos;s %1 is %3.</source>
        <translation>未沿用 %1：%2 的 %1 为 %3。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Your changes are on %1, not saved yet: check them and press Save.</source>
        <translation>您的更改已应用到 %1，但尚未保存：请检查后点击“保存”。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Some of your changes were not carried over to %1.</source>
        <translation>您的部分更改未能沿用到 %1。</translation>
    </message>
    <message>
        <location line="+61"/>
        <location line="+22"/>
        <location line="+63"/>
        <source>1 identifier</source>
        <translation>1 个标识</translation>
    </message>
    <message>
        <location line="-85"/>
        <location line="+22"/>
        <location line="+63"/>
        <source>%1 identifiers</source>
        <translation>%1 个标识</translation>
    </message>
    <message>
        <location line="-82"/>
        <source>Profiles merged into %1: %2 moved</source>
        <translation>客户档案已合并到 %1：转移了 %2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not merged</source>
        <translation>未合并</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>1 attribute</source>
        <translation>1 个属性</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 attributes</source>
        <translation>%1 个属性</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+23"/>
        <location line="+58"/>
        <source>1 event</source>
        <translation>1 个事件</translation>
    </message>
    <message>
        <location line="-1214"/>
        <source>Double-click a cell to change it. Numbers: 99.5 or 99,5.</source>
        <translation>双击单元格即可修改。数字写法：99.5 或 99,5。</translation>
    </message>
    <message>
        <location line="+829"/>
        <source>%1; %2</source>
        <translation>%1；%2</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Its identifiers, events and journeys are there now.</source>
        <translation>其标识、事件和旅程现都已转到该档案。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your unsaved changes are still below.</source>
        <translation>您未保存的更改仍显示在下方。</translation>
    </message>
    <message>
        <location line="+229"/>
        <location line="+23"/>
        <location line="+58"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location line="-80"/>
        <location line="+23"/>
        <location line="+58"/>
        <source>1 journey run</source>
        <translation>1 次旅程运行</translation>
    </message>
    <message>
        <location line="-81"/>
        <location line="+23"/>
        <location line="+58"/>
        <source>%1 journey runs</source>
        <translation>%1 次旅程运行</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>(with their steps and messages)</source>
        <translation>（含其步骤和消息）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>membership of 1 segment</source>
        <translation>1 个分群的成员身份</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>membership of %1 segments</source>
        <translation>%1 个分群的成员身份</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This erases %1.</source>
        <translation>此操作将清除 %1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unsubscribes stay on file by address only, so the address is never messaged again.</source>
        <translation>退订记录仅按地址保留，确保不会再向该地址发送消息。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 run still under way will stop.</source>
        <translation>1 次进行中的运行将会停止。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 runs still under way will stop.</source>
        <translation>%1 次进行中的运行将会停止。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This cannot be undone.</source>
        <translation>此操作无法撤销。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data about them sent or imported again later makes a new profile: take them out of your export files and the systems that send their events too.</source>
        <translation>之后再次发送或导入的该客户数据会生成新的客户档案：请同时将其从导出文件以及发送其事件的系统中移除。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Not erased</source>
        <translation>未清除</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>1 message</source>
        <translation>1 条消息</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 messages</source>
        <translation>%1 条消息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 segment membership</source>
        <translation>1 个分群成员身份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 segment memberships</source>
        <translation>%1 个分群成员身份</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Removed: %1.</source>
        <translation>已移除：%1。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 unsubscribe stays on file by address only, so that address is never messaged again.</source>
        <translation>1 条退订记录仅按地址保留，确保不会再向该地址发送消息。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 unsubscribes stay on file by address only, so those addresses are never messaged again.</source>
        <translation>%1 条退订记录仅按地址保留，确保不会再向这些地址发送消息。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export customer data</source>
        <translation>导出客户数据</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+4"/>
        <source>Delete customer</source>
        <translation>删除客户</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Delete %1 and everything about them?</source>
        <translation>删除 %1 及其所有相关数据？</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../gui/import_wizard.py" line="+717"/>
        <location line="+120"/>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <location line="-98"/>
        <source>Write stored numbers with their country code…</source>
        <translation>为已存储的号码补上国家代码…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>See what writing the phone numbers stored without a country code with it does, and do it</source>
        <translation>查看为存储时未带国家代码的手机号补上国家代码的影响，并执行</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>E&amp;xport errors…</source>
        <extracomment>The Phone numbers dialog last opened from this page (None: never).</extracomment>
        <translation>导出错误(&amp;X)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save every skipped row with its reason as a CSV file that opens in a spreadsheet</source>
        <translation>将每个跳过的行及其原因保存为可用电子表格打开的 CSV 文件</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Nothing to import</source>
        <translation>没有可导入的内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was imported.</source>
        <translation>未导入任何内容。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The file has no data rows: it holds only the header line, so nothing was imported.</source>
        <translation>文件中没有数据行：只有表头行，因此未导入任何内容。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Import cancelled</source>
        <translation>导入已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped after line %1. What was read before is kept; importing the file again adds the rest.</source>
        <translation>在第 %1 行后停止。之前读取的内容已保留；再次导入该文件会添加其余内容。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The rows without errors are in the workspace.</source>
        <translation>无错误的行已导入工作区。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rows read</source>
        <translation>已读取行数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Events imported</source>
        <translation>已导入事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New customers</source>
        <translation>新客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates skipped</source>
        <translation>跳过的重复项</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rows with the same “%1” as the row above (an order&apos;s line items): each adds its line item to that event&apos;s “items” list; the event keeps the first row&apos;s other values.</source>
        <translation>与上一行“%1”相同的行（订单的商品项）：每行都会把自己的商品项加入该事件的“items”列表；事件的其他值取自第一行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rows of an event above</source>
        <translation>属于上方事件的行</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Rows with the same “%1” as the row above (an order&apos;s line items): they are part of that event, which keeps the first row&apos;s values.</source>
        <translation>与上一行“%1”相同的行（一个订单的各个商品行）：它们属于该事件，事件保留第一行的值。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Customers created</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rows with updates</source>
        <translation>有更新的行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rows that changed a customer who was already there: %1 customers in all.</source>
        <translation>更改了已有客户的行：共涉及 %1 位客户。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rows with nothing new</source>
        <translation>无新内容的行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bad rows skipped</source>
        <translation>跳过的错误行</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No errors in the %1 rows read before the import was cancelled; the rest of the file was not read.</source>
        <translation>导入取消前读取的 %1 行中没有错误；文件的其余部分未读取。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every row was read without an error.</source>
        <translation>所有行均已读取，没有错误。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Skipped rows</source>
        <translation>跳过的行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Skipped rows (the first %1 of %2)</source>
        <translation>跳过的行（共 %2 行，显示前 %1 行）</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>1 phone number stored before has no country code: looking it up as a %2 number misses it, and its customer may have a second profile under the %2 number.</source>
        <translation>之前存储的 1 个手机号没有国家代码：按 %2 号码查找时找不到它，其客户可能在 %2 号码下还有另一个客户档案。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 phone numbers stored before have no country code: looking them up as %2 numbers misses them, and their customers may have second profiles under the %2 numbers.</source>
        <translation>之前存储的 %1 个手机号没有国家代码：按 %2 号码查找时找不到它们，其客户可能在 %2 号码下还有另一个客户档案。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Row %1 (line %2)</source>
        <translation>第 %1 行（文件第 %2 行）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>, column “%1”</source>
        <translation>，“%1”列</translation>
    </message>
</context>
<context>
    <name>RunPanel</name>
    <message>
        <location filename="../../gui/run_panel.py" line="+161"/>
        <source>1 customer</source>
        <extracomment>How often the live numbers are read again while they are shown. How often the panel looks whether the open journey went live (an attribute read, no query).</extracomment>
        <translation>1 位客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 customers</source>
        <translation>%1 位客户</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Simulation</source>
        <extracomment>Emitted with (node metrics, edge labels) whenever new numbers arrive. Emitted when the overlays should be cleared. The live version&apos;s ``ended_at`` and the ``exited`` counters it was read for: the step log is counted again only when a node&apos;s ``exited`` changed. (journey id, status) of the open journey when last looked at; see :meth:`check_status`.</extracomment>
        <translation>模拟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live</source>
        <translation>正式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulation: synthetic customers through the draft. Test: a few named test customers through the published version, messages recorded, nothing sent. Live: the real customers in the published version, refreshed every few seconds.</source>
        <translation>模拟：让合成客户走一遍草稿。测试：让几位指定的测试客户走一遍已发布版本，消息只记录、不发送。正式：已发布版本中的真实客户，每隔几秒刷新一次。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>How many synthetic customers to send through the journey</source>
        <translation>让多少位合成客户走一遍旅程</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulated time, on a virtual clock</source>
        <translation>模拟的时长，按虚拟时钟计</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The same seed gives the same numbers</source>
        <translation>相同的种子会得到相同的数字</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Customers</source>
        <translation>客户数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+65"/>
        <source>Run simulation</source>
        <translation>运行模拟</translation>
    </message>
    <message>
        <location line="-63"/>
        <location line="+64"/>
        <source>Simulate the journey with synthetic customers (F5)</source>
        <translation>用合成客户模拟旅程（F5）</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the numbers from the canvas</source>
        <translation>从画布上移除数字</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Simulate thousands of customers on a virtual clock before going live. Numbers appear on every node and connection.</source>
        <translation>正式上线前，按虚拟时钟模拟成千上万位客户。每个节点和连线上都会显示数字。</translation>
    </message>
    <message>
        <location line="+38"/>
        <location line="+180"/>
        <source>Show live numbers</source>
        <translation>显示实时数字</translation>
    </message>
    <message>
        <location line="-179"/>
        <source>Show how many real customers are at each step of the published version, refreshed every few seconds</source>
        <translation>显示已发布版本每个步骤上有多少位真实客户，每隔几秒刷新一次</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run test</source>
        <translation>运行测试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run the test customers through the published version; messages are recorded, not sent</source>
        <translation>让测试客户走一遍已发布版本；消息只记录、不发送</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Simulating…</source>
        <translation>正在模拟…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The test could not start: %1</source>
        <translation>测试无法开始：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Test mode runs the published version, and this journey has none yet. Publish it (or go live) first.</source>
        <translation>测试模式运行的是已发布版本，而此旅程尚无已发布版本。请先发布（或正式上线）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Testing version %1…</source>
        <translation>正在测试版本 %1…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Stop live numbers</source>
        <translation>停止显示实时数字</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>This journey has no published version yet: there are no live numbers. Go live first.</source>
        <translation>此旅程尚无已发布版本，因此没有实时数字。请先正式上线。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The live numbers could not be read: %1</source>
        <translation>无法读取实时数字：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Live: real customers in version %1</source>
        <translation>正式：版本 %1 中的真实客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live, version %1: %2 entered, %3 in the journey now.</source>
        <translation>正式，版本 %1：已进入 %2，当前在旅程中 %3 位。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 customer still in an earlier version (%2)</source>
        <translation>1 位客户仍在较早的版本中（%2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 customers still in earlier versions (%2)</source>
        <translation>%1 位客户仍在较早的版本中（%2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>versions %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Updated %1.</source>
        <translation>更新于 %1。</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>The journey is live: the canvas now shows its real customers. Choose Simulation under Mode to try changes on synthetic customers.</source>
        <translation>此旅程已正式上线：画布现在显示其真实客户。如需用合成客户试验更改，请在“模式”中选择“模拟”。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Test: %1 through version %2, messages recorded, none sent</source>
        <translation>测试：%1 运行版本 %2，消息只记录、不发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 test customers</source>
        <translation>%1 位测试客户</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Simulated: %1 synthetic customers over %2 days (seed %3), not real customers</source>
        <translation>模拟：%1 位合成客户，为期 %2 天（种子 %3），并非真实客户</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+37"/>
        <source>Cancelled. Numbers so far: </source>
        <translation>已取消。目前为止的数字：</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>%1, %2 days: %3 entered the journey, %4 converted (%5%).</source>
        <translation>%1，%2 天：%3 位进入旅程，%4 位转化（%5%）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The nodes count entries: %1 in all, %2 of them converted.</source>
        <translation>节点按进入次数统计：共 %1 次，其中 %2 次转化。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 steps, %2 messages (%3 s).</source>
        <translation>%1 个步骤，%2 条消息（%3 秒）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Test of version %1 over %2 days: %3 of %4 test customers entered; %5 messages recorded, none sent</source>
        <translation>版本 %1 测试 %2 天：%4 位测试客户中有 %3 位进入；记录了 %5 条消息，均未发送</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Customers already in or through this journey were not entered again (its re-entry rule).</source>
        <translation>已在此旅程中或已走完此旅程的客户未再次进入（按其重新进入规则）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The test stopped: %1</source>
        <translation>测试已停止：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The simulation stopped: %1</source>
        <translation>模拟已停止：%1</translation>
    </message>
</context>
<context>
    <name>SecretInput</name>
    <message>
        <location filename="../../gui/channels_window.py" line="-1104"/>
        <location line="+59"/>
        <source>•••• stored in your system keyring</source>
        <translation>•••• 已保存在系统密钥环中</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>Change</source>
        <translation>更改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type a new value; the stored one stays until you save</source>
        <translation>输入新值；保存前仍保留已存储的值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the stored value from the keyring when you save</source>
        <translation>保存时从密钥环中删除已存储的值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep stored</source>
        <translation>保留已存储值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget what was typed and keep the stored value</source>
        <translation>放弃输入内容，保留已存储的值</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Needs a usable system keyring</source>
        <translation>需要可用的系统密钥环</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Will be removed from the keyring when you save</source>
        <translation>保存时将从密钥环中移除</translation>
    </message>
</context>
<context>
    <name>SegmentBuilder</name>
    <message>
        <location filename="../../gui/segment_builder.py" line="-686"/>
        <source>is</source>
        <extracomment>Customers shown as a sample of the segment.</extracomment>
        <translation>等于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is not</source>
        <translation>不等于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>contains</source>
        <translation>包含</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>starts with</source>
        <translation>开头是</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is more than</source>
        <translation>大于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is at least</source>
        <translation>大于等于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is less than</source>
        <translation>小于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is at most</source>
        <translation>小于等于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is one of</source>
        <translation>属于其中之一</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is set</source>
        <translation>有值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is not set</source>
        <translation>无值</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>is after</source>
        <translation>晚于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is on or after</source>
        <translation>不早于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is before</source>
        <translation>早于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is on or before</source>
        <translation>不晚于</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Text must match exactly, capital letters included (“Lyon” is not “lyon”): use “contains” to ignore capitals.</source>
        <extracomment>A value that is a date written year-month-day (what ordering rules compare in time order).</extracomment>
        <translation>文本须完全一致，包括大小写（“Lyon”不等于“lyon”）：如需忽略大小写，请使用“包含”。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Compares with a number (12.5, or 12,5) or a date written year-month-day (2025-03-01), in time order; other text is refused.</source>
        <translation>与数字（12.5 或 12,5）或按年-月-日书写的日期（2025-03-01，按时间先后）比较；其他文本不被接受。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Anything but that value, customers without it included.</source>
        <translation>除该值以外的任何值，包括没有此值的客户。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text holding these letters, ignoring capitals; or a list holding this value.</source>
        <translation>含有这些字符的文本（不区分大小写）；或含有该值的列表。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text beginning with these letters, ignoring capitals.</source>
        <translation>以这些字符开头的文本（不区分大小写）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Any of the values, separated by commas; each as with “is”.</source>
        <translation>符合其中任一值即可，各值用逗号分隔；每个值的比较方式同“等于”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The customer has this attribute, whatever its value.</source>
        <translation>客户有此属性，无论其值是什么。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The customer lacks this attribute (or it holds nothing).</source>
        <translation>客户没有此属性（或属性为空）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the attribute name</source>
        <translation>属性名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the property name</source>
        <translation>属性名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the event name</source>
        <translation>事件名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the channel kind</source>
        <translation>渠道类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the number of times</source>
        <translation>次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the number of days</source>
        <translation>天数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 is empty</source>
        <translation>%1为空</translation>
    </message>
    <message>
        <location line="+821"/>
        <source>filter %1</source>
        <translation>筛选 %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>the rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>condition %1</source>
        <translation>条件 %1</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>add group</source>
        <translation>添加条件组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>remove group</source>
        <translation>移除条件组</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>add condition</source>
        <translation>添加条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>remove condition</source>
        <translation>移除条件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>add filter</source>
        <translation>添加筛选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>remove filter</source>
        <translation>移除筛选</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>change all/any</source>
        <translation>更改“全部/任一”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>edit condition</source>
        <translation>编辑条件</translation>
    </message>
    <message>
        <location line="+78"/>
        <location line="+239"/>
        <source>Segments</source>
        <extracomment>A sample customer was double-clicked: show their profile. A segment was saved or deleted.</extracomment>
        <translation>分群</translation>
    </message>
    <message>
        <location line="-203"/>
        <source>Undo</source>
        <extracomment>Conditions not filled in yet when the shown count was asked for (left out of it). Empty rows the last save dropped (said in its status message). Event and attribute names of the rules that nothing in the workspace has (after a count). ``(event, property)`` pairs of the rules&apos; filters that no stored event of that name has. The folder the last export went to. The export under way: its progress dialog and the flag that stops it. Edits of the rules, each a step (:class:`_RulesEdit`); emptied when a segment is opened. The rules as the last step left them (what the next step starts from). Set while a step is undone or redone (the rows are rebuilt: no new step). Set while edits are gathered into one step (:meth:`_one_step`).</extracomment>
        <translation>撤销</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Save segment</source>
        <translation>保存分群</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New segment</source>
        <translation>新建分群</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+81"/>
        <source>Export members…</source>
        <translation>导出成员…</translation>
    </message>
    <message>
        <location line="-69"/>
        <source>Saved segments</source>
        <translation>已保存的分群</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Segment</source>
        <translation>分群</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Members</source>
        <translation>成员</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No saved segments yet. Build the rules on the right and save them under a name.</source>
        <translation>还没有已保存的分群。请在右侧设置规则，并命名保存。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start a new segment (Ctrl+N)</source>
        <translation>新建一个分群（Ctrl+N）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the selected segment</source>
        <translation>删除所选分群</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Name, e.g. Loyal shoppers</source>
        <translation>名称，例如：忠实顾客</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What the segment is for (optional)</source>
        <translation>分群用途（可选）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+382"/>
        <location line="+22"/>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <location line="-399"/>
        <source>A few customers who match, picked at random. Double-click one to see their profile.</source>
        <translation>随机挑选的几位符合条件的客户。双击可查看其客户档案。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Write every customer who matches now to an Excel workbook (.xlsx), where phone numbers and ids stay as written, or to a CSV file (Ctrl+E)</source>
        <translation>将当前所有符合条件的客户写入 Excel 工作簿（.xlsx，手机号和 ID 保持原样）或 CSV 文件（Ctrl+E）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the segment (Ctrl+S)</source>
        <translation>保存分群（Ctrl+S）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the changes</source>
        <translation>放弃更改</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>%1 at the engine&apos;s last refresh</source>
        <translation>引擎上次刷新时为 %1 位</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+14"/>
        <location line="+470"/>
        <source>the new segment</source>
        <translation>新分群</translation>
    </message>
    <message>
        <location line="-400"/>
        <source>New segment, not saved yet</source>
        <translation>新分群，尚未保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Undo: %1 (%2)</source>
        <translation>撤销：%1（%2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing to undo in the rules</source>
        <translation>规则中没有可撤销的操作</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Redo: %1 (%2)</source>
        <translation>重做：%1（%2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing to redo in the rules</source>
        <translation>规则中没有可重做的操作</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>In %1, %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>1 empty condition is left out</source>
        <translation>1 个空条件未计入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 empty conditions are left out</source>
        <translation>%1 个空条件未计入</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+5"/>
        <location line="+43"/>
        <location line="+8"/>
        <location line="+5"/>
        <source>Export members</source>
        <translation>导出成员</translation>
    </message>
    <message>
        <location line="-58"/>
        <source>Exporting the customers of “%1”…</source>
        <translation>正在导出“%1”的客户…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Exported %1 to %2</source>
        <translation>已将 %1 导出到 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Exported %1 to %2.

%3</source>
        <translation>已将 %1 导出到 %2。

%3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export cancelled; nothing was written</source>
        <translation>导出已取消；未写入任何内容</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV, UTF-8 (*.csv)</source>
        <translation>CSV，UTF-8 (*.csv)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>A segment needs a name.</source>
        <translation>分群需要名称。</translation>
    </message>
    <message>
        <location line="-161"/>
        <source>Fix the marked condition to see who matches.</source>
        <translation>请修正标出的条件，以查看符合条件的客户。</translation>
    </message>
    <message>
        <location line="-1498"/>
        <source>The same value. Numbers compare as numbers (5 is 5.0, 12,5 is 12.5), true/false as yes/no, and a date written year-month-day (2025-03-01) matches any time of that day.</source>
        <translation>值相同。数字按数值比较（5 即 5.0，12,5 即 12.5），true/false 按是/否比较，按年-月-日书写的日期（2025-03-01）符合当天的任意时间。</translation>
    </message>
    <message>
        <location line="+1500"/>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+108"/>
        <source>1 customer</source>
        <translation>1 位客户</translation>
    </message>
    <message>
        <location line="-107"/>
        <location line="+107"/>
        <source>%1 customers</source>
        <translation>%1 位客户</translation>
    </message>
    <message>
        <location line="-104"/>
        <source>match now, %1% of %2</source>
        <translation>当前符合，占全部 %2 位的 %1%</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No customers yet — import a CSV or start the collector.</source>
        <translation>还没有客户 — 请导入 CSV 或启动采集器。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sample: %1 of %2</source>
        <translation>样本：%1 / %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No one matches these rules now.</source>
        <translation>当前没有客户符合这些规则。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Could not count: %1</source>
        <translation>无法统计：%1</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>remove empty conditions</source>
        <translation>移除空条件</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Change a segment in use</source>
        <translation>更改使用中的分群</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 uses this segment. Customers will be picked by the new rules from now on. Save the changes?</source>
        <translation>%1 使用了此分群。从现在起将按新规则选取客户。是否保存更改？</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Saved “%1”</source>
        <translation>已保存“%1”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 empty condition removed</source>
        <translation>已移除 1 个空条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 empty conditions removed</source>
        <translation>已移除 %1 个空条件</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Delete the segment “%1”?</source>
        <translation>删除分群“%1”？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 uses it; those steps will no longer find anyone in it.</source>
        <translation>%1 使用了它；这些步骤将无法再从中找到任何客户。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete segment</source>
        <translation>删除分群</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+3"/>
        <source>Not deleted</source>
        <translation>未删除</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Deleted “%1”</source>
        <translation>已删除“%1”</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>No event named ‘%1’ has been received yet.</source>
        <extracomment>Customers to write. Customers written so far. The longest suggested file name, in UTF-8 bytes (file systems take 255), leaving room for a suffix.</extracomment>
        <translation>尚未收到名为‘%1’的事件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No event named ‘%1’ has been received; did you mean ‘%2’?</source>
        <translation>尚未收到名为‘%1’的事件；您是不是要找‘%2’？</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No customer has an attribute named ‘%1’.</source>
        <translation>没有客户拥有名为‘%1’的属性。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No customer has an attribute named ‘%1’; did you mean ‘%2’?</source>
        <translation>没有客户拥有名为‘%1’的属性；您是不是要找‘%2’？</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Customers have ‘%1’, not ‘%2’: “is” matches capitals exactly (“contains” ignores them).</source>
        <translation>客户的值是‘%1’，而不是‘%2’：“等于”严格区分大小写（“包含”则不区分）。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No ‘%1’ event has a property named ‘%2’.</source>
        <translation>没有‘%1’事件带有名为‘%2’的属性。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No ‘%1’ event has a property named ‘%2’; did you mean ‘%3’?</source>
        <translation>没有‘%1’事件带有名为‘%2’的属性；您是不是要找‘%3’？</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>and %1 more</source>
        <translation>等其他 %1 个</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The journey %1</source>
        <translation>旅程 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The journeys %1</source>
        <translation>旅程 %1</translation>
    </message>
</context>
<context>
    <name>Stage</name>
    <message>
        <location filename="../../gui/palette.py" line="-275"/>
        <source>Map</source>
        <translation>绘制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Track</source>
        <translation>追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Analyze</source>
        <translation>分析</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orchestrate</source>
        <translation>编排</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optimize</source>
        <translation>优化</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../../gui/start_page.py" line="+146"/>
        <source>Journey Studio</source>
        <translation>Journey Studio</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Map, track, analyze, orchestrate and optimize your customer journeys</source>
        <translation>绘制、追踪、分析、编排和优化您的客户旅程</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Start from a template</source>
        <translation>从模板开始</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import .journey.json…</source>
        <translation>导入 .journey.json…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a journey file exported from Journey Studio</source>
        <translation>打开从 Journey Studio 导出的旅程文件</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Recent journeys</source>
        <translation>最近的旅程</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Journeys you open will be listed here. Start from a template or a blank journey.</source>
        <translation>您打开过的旅程会列在这里。可从模板或空白旅程开始。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The five steps of the MTAOO method</source>
        <translation>MTAOO 方法的五个步骤</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Some templates could not be read: %1</source>
        <translation>部分模板无法读取：%1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Edited %1</source>
        <translation>编辑于 %1</translation>
    </message>
</context>
<context>
    <name>TakeOver</name>
    <message>
        <location filename="../../gui/take_over.py" line="+32"/>
        <source>Workspace in use</source>
        <translation>工作区正在使用中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The workspace is in use by “%1” (process %2), which receives events from your websites and apps.</source>
        <translation>工作区正被“%1”（进程 %2）使用，它正在接收来自您网站和应用的事件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Journey Studio can stop it and collect the events itself, at the same address, for as long as the app is open. What it has received is stored first; SDKs send again what arrives in between.</source>
        <translation>Journey Studio 可以停止它，并在应用打开期间以相同地址自行采集事件。它已接收的事件会先被存储；在此期间到达的事件，SDK 会重新发送。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stop it and &amp;collect here</source>
        <translation>停止它并在此采集(&amp;C)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot open the workspace</source>
        <translation>无法打开工作区</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Waiting for “%1” to store what it received and stop…</source>
        <translation>正在等待“%1”存储已接收的事件并停止…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taking over the workspace</source>
        <translation>正在接管工作区</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>“%1” (process %2) did not stop within %3 seconds; stop it where it runs (Ctrl+C), then open the workspace again.</source>
        <translation>“%1”（进程 %2）未在 %3 秒内停止；请在其运行处停止它（Ctrl+C），然后重新打开工作区。</translation>
    </message>
</context>
<context>
    <name>TemplateCard</name>
    <message>
        <location filename="../../gui/start_page.py" line="-341"/>
        <source>1 node</source>
        <extracomment>Cards never get narrower than this; the grid drops a column instead. On very wide screens the page stays this wide and centred, so lines do not run on.</extracomment>
        <translation>1 个节点</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n nodes</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TemplatePreview</name>
    <message>
        <location filename="../../gui/template_editor.py" line="+27"/>
        <source>Test %1</source>
        <translation>测试客户 %1</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Preview</source>
        <extracomment>Emitted after every render with the texts shown (for tests and the status line).</extracomment>
        <translation>预览</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>As seen by</source>
        <translation>预览对象</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The customer whose attributes fill in the placeholders</source>
        <translation>用其属性填充占位符的客户</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A customer from the workspace…</source>
        <translation>工作区中的客户…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>E-mail, phone or customer id</source>
        <translation>邮箱、手机号或客户 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type how to find the customer and press Enter</source>
        <translation>输入用于查找客户的信息，然后按 Enter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. rating=2, order_id=A-1001</source>
        <translation>例如 rating=2, order_id=A-1001</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Values for {{ event.… }} placeholders: the properties of the event that started or woke the customer&apos;s run</source>
        <translation>{{ event.… }} 占位符的值：启动或唤醒该客户运行的事件的属性</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+97"/>
        <source>HTML version</source>
        <translation>HTML 版本</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Customer: %1</source>
        <translation>客户：%1</translation>
    </message>
    <message>
        <location line="+22"/>
        <location line="+4"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Type an e-mail, phone number or customer id and press Enter.</source>
        <translation>请输入邮箱、手机号码或客户 ID，然后按 Enter。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1, line %2</source>
        <translation>%1，第 %2 行</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>To: %1</source>
        <translation>收件人：%1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the channel&apos;s default</source>
        <translation>渠道默认值</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>(no e-mail address)</source>
        <translation>（无邮箱地址）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(no phone number)</source>
        <translation>（无手机号码）</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <location filename="../../gui/journey_browser.py" line="-31"/>
        <source>just now</source>
        <extracomment>Below this width (pixels) the list shows only the name and the status.</extracomment>
        <translation>刚刚</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%n min ago</source>
        <translation>%n 分钟前</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%n h ago</source>
        <translation>%n 小时前</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%n days ago</source>
        <translation>%n 天前</translation>
    </message>
</context>
<context>
    <name>TrackingPanel</name>
    <message>
        <location filename="../../gui/tracking_panel.py" line="+84"/>
        <source>Unknown event</source>
        <extracomment>The counts per source scan the events table (about a second for a million events), so the timer reads them only every this many ticks; Refresh reads them at once. Seconds between two reads of the counts per source for the canvas (they scan the events, so no more often than the panel reads them). Bounds of the width of the list of sources beside the problems. Milliseconds :meth:`SourceCountsFeed.refresh_soon` waits, gathering the events stored meanwhile. Seconds a word on a cancelled check stays on the summary line.</extracomment>
        <translation>未知事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missing property</source>
        <translation>缺少属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong type</source>
        <translation>类型错误</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The plan marks this property as required, and events arrive without it.</source>
        <translation>埋点方案将此属性标为必填，但到达的事件中缺少它。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Events carry this property with another type than the plan declares.</source>
        <translation>事件中此属性的类型与埋点方案声明的不同。</translation>
    </message>
    <message>
        <location line="+148"/>
        <source>Refresh</source>
        <extracomment>The stored events per source were read (a dict of :class:`~engine.track.tracking_plan.SourceStats`): the canvas&apos;s feed takes them instead of scanning the events again. Events (all, last 24 h) per stored source and write key name. The ``track.source`` nodes of the workspace&apos;s journeys (read with the counts). The journey open in the editor (id, name, document), whose nodes are read as they are now. The event names the tracking plan declares (for &quot;did you mean&quot; on an unknown event).</extracomment>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read the counts again now (they also refresh every few seconds while this panel is open)</source>
        <translation>立即重新读取计数（此面板打开时也会每隔几秒自动刷新）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Clear…</source>
        <translation>清除…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the counted problems, for example after fixing the source</source>
        <translation>清除已统计的问题，例如在修复数据源之后</translation>
    </message>
    <message>
        <location line="+150"/>
        <source>Check stored events</source>
        <translation>检查已存储事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check every stored event against the current tracking plan and count the problems again (events are otherwise checked only when they arrive)</source>
        <translation>按当前埋点方案检查所有已存储的事件并重新统计问题（否则事件只在到达时检查）</translation>
    </message>
    <message>
        <location line="-127"/>
        <source>Event</source>
        <extracomment>While a check of the stored events runs: its cancel flag and progress (events, total). The workspace the check under way (or last) reads. The last finished check of the stored events: events checked and when. A word on the last check, added to the summary for :data:`NOTICE_S` seconds: (text, until).</extracomment>
        <translation>事件</translation>
    </message>
    <message>
        <location line="-194"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>true/false</source>
        <translation>true/false</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>date and time</source>
        <translation>日期和时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>list</source>
        <translation>列表</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>object</source>
        <translation>对象</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> or </source>
        <translation>或</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>%1, key “%2”</source>
        <translation>%1，密钥“%2”</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Sensors collector (project %1)</source>
        <translation>Sensors 采集器（项目 %1）</translation>
    </message>
    <message>
        <location line="+144"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last seen</source>
        <translation>最近出现</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Example</source>
        <translation>示例</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Events by source</source>
        <translation>各数据源的事件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>24 h</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Received in the last 24 hours</source>
        <translation>最近 24 小时内收到的</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Cancel check</source>
        <translation>取消检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop checking; the counts stay as they were</source>
        <translation>停止检查；计数保持原样</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Checking stored events…</source>
        <translation>正在检查已存储的事件…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>check cancelled, the counts were not changed</source>
        <translation>检查已取消，计数未变</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The stored events could not be checked: %1</source>
        <translation>无法检查已存储的事件：%1</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>The tracking plan could not be read: %1</source>
        <translation>无法读取埋点方案：%1</translation>
    </message>
    <message>
        <location line="-348"/>
        <source>(no source)</source>
        <translation>（无数据源）</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>No Tracked event node declares this event. Add one, or fix the name the source sends. Events SDKs send by themselves are never listed as unknown: Segment&apos;s page, screen and group calls (Page Viewed, Screen Viewed, Group) and Sensors events starting with $ ($SignUp, $AppStart…); declare one to have its properties checked.</source>
        <translation>没有埋点事件节点声明此事件。请添加一个，或修正数据源发送的事件名称。SDK 自动发送的事件不会被列为未知事件：包括 Segment 的 page、screen 和 group 调用（Page Viewed、Screen Viewed、Group），以及以 $ 开头的 Sensors 事件（$SignUp、$AppStart…）；如需检查其属性，请声明该事件。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Segment collector</source>
        <translation>Segment 采集器</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+12"/>
        <source>Sensors collector</source>
        <translation>Sensors 采集器</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>CSV file %1</source>
        <translation>CSV 文件 %1</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>No events yet</source>
        <extracomment>A stored source and the name of the write key its events came with (``None``: no name).</extracomment>
        <translation>暂无事件</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Sent with the write key “%1”</source>
        <translation>使用写入密钥“%1”发送</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sent with a write key that has no name (given to the collector on the command line), or stored before key names were recorded</source>
        <translation>使用未命名的写入密钥发送（通过命令行提供给采集器），或在开始记录密钥名称之前存储</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stored as source: %1</source>
        <translation>存储的数据源：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Declared by “%1” in %2</source>
        <translation>由 %2 中的“%1”声明</translation>
    </message>
    <message>
        <location line="+310"/>
        <source>1 problem</source>
        <translation>1 个问题</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 problems</source>
        <translation>%1 个问题</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>seen once</source>
        <translation>出现 1 次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>seen %1 times</source>
        <translation>出现 %1 次</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No workspace</source>
        <translation>无工作区</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No tracking plan yet</source>
        <translation>尚无埋点方案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add Tracked event nodes to a journey to declare the events you expect and their properties; incoming events are then checked against them here.</source>
        <translation>请在旅程中添加埋点事件节点，声明您预期的事件及其属性；之后到达的事件会在这里按其进行检查。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No problems in the 1 stored event</source>
        <translation>1 个已存储事件中没有问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No problems in the %1 stored events</source>
        <translation>%1 个已存储事件中没有问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every stored event was checked against the tracking plan %1; events arriving are checked as they come.</source>
        <translation>%1已按埋点方案检查了所有已存储的事件；新事件会在到达时检查。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No problems counted</source>
        <translation>未统计到问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Events are checked against the tracking plan as they arrive: one that is not in the plan, lacks a required property or carries one of the wrong type is listed here. Events SDKs send by themselves (Segment&apos;s Page Viewed, Screen Viewed and Group; Sensors events starting with $) are not called unknown, and are checked only when a Tracked event node declares them. Events stored before their Tracked event node was added were not checked; Check stored events checks them all.</source>
        <translation>事件到达时会按埋点方案检查：不在方案中、缺少必填属性或属性类型错误的事件会列在这里。SDK 自动发送的事件（Segment 的 Page Viewed、Screen Viewed 和 Group；以 $ 开头的 Sensors 事件）不算未知事件，仅在有埋点事件节点声明时才检查。在添加对应埋点事件节点之前存储的事件未经检查；“检查已存储事件”会检查所有事件。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>%1: %2 expected</source>
        <translation>%1：应为%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: did you mean “%2”?</source>
        <translation>%1：您是想用“%2”吗？</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The tracking plan declares “%1”, spelt differently: rename the event where the source sends it, or the Tracked event node, so that the two match.</source>
        <translation>追踪计划声明的是写法不同的“%1”：请在数据源发送事件的地方或在“追踪事件”节点中改名，使两者一致。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Did you mean “%1”?</source>
        <translation>您是想用“%1”吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last seen %1
First seen %2</source>
        <translation>最近出现：%1
首次出现：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Properties of the latest such event:
%1</source>
        <translation>最近一个此类事件的属性：
%1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Forget the %1 counted problems? New events that break the plan are counted again from zero.</source>
        <translation>清除已统计的 %1 个问题？违反埋点方案的新事件将从零重新计数。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Clear tracking problems</source>
        <translation>清除埋点问题</translation>
    </message>
</context>
<context>
    <name>ValidationPanel</name>
    <message>
        <location filename="../../gui/validation_panel.py" line="+157"/>
        <source>Show:</source>
        <extracomment>``(node_id, edge_id)`` of the activated issue; an empty string where it names none.</extracomment>
        <translation>显示：</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Journey “%1”</source>
        <translation>旅程“%1”</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Missing node</source>
        <translation>缺失的节点</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connection %1 → %2</source>
        <translation>连接 %1 → %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No journey open</source>
        <translation>未打开旅程</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 error</source>
        <translation>1 个错误</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n errors</source>
        <translation>
            <numerusform>%n 个错误</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 warning</source>
        <translation>1 个警告</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n warnings</source>
        <translation>
            <numerusform>%n 个警告</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 — you can still publish</source>
        <translation>%1 — 仍可发布</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No problems found — ready to publish</source>
        <translation>未发现问题 — 可以发布</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Errors (%1)</source>
        <translation>错误（%1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warnings (%1)</source>
        <translation>警告（%1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes (%1)</source>
        <translation>提示（%1）</translation>
    </message>
</context>
<context>
    <name>_FilterRow</name>
    <message>
        <location filename="../../gui/segment_builder.py" line="-1639"/>
        <source>where</source>
        <translation>其中</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>property, e.g. total</source>
        <translation>属性，例如 total</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove this filter</source>
        <translation>移除此筛选条件</translation>
    </message>
</context>
<context>
    <name>_IssueList</name>
    <message>
        <location filename="../../gui/inspector.py" line="-309"/>
        <source>Problems</source>
        <extracomment>Seconds the customer attribute names offered by placeholder menus are reused before reading again. Descriptions longer than this many characters show their first sentence and &quot;More…&quot;.</extracomment>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>nodes</name>
    <message>
        <location filename="../../gui/form_strings.py" line="+103"/>
        <location filename="../../nodes/analyze.py" line="+31"/>
        <location line="+125"/>
        <location filename="../../nodes/orchestrate.py" line="+54"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="-32"/>
        <location filename="../../nodes/analyze.py" line="-120"/>
        <source>Count of events</source>
        <translation>事件数量</translation>
    </message>
    <message>
        <location line="+93"/>
        <location filename="../../nodes/analyze.py" line="+2"/>
        <location line="+9"/>
        <location line="+11"/>
        <location line="+10"/>
        <location line="+10"/>
        <location line="+13"/>
        <source>Measure</source>
        <translation>统计方式</translation>
    </message>
    <message>
        <location line="-94"/>
        <location filename="../../nodes/analyze.py" line="-50"/>
        <source>Count customers, not events</source>
        <translation>按客户计数（而非事件）</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>Ads</source>
        <translation>广告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After exit</source>
        <translation>退出后</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Always</source>
        <translation>总是</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Any</source>
        <translation>任一</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>App</source>
        <translation>应用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../nodes/track.py" line="+63"/>
        <source>As the source sends it: letters (any language), digits, spaces, _ and -, optionally starting with $; a dot separates the levels of a nested value (shipping.city).</source>
        <translation>按数据源发送的原样：字母（任何语言）、数字、空格、_ 和 -，可以以 $ 开头；点号分隔嵌套值的层级（shipping.city）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At most</source>
        <translation>至多</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Average</source>
        <translation>平均值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bandit</source>
        <translation>多臂老虎机</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bayesian</source>
        <translation>贝叶斯</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Business</source>
        <translation>工作日</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Condition config</source>
        <translation>条件设置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contains</source>
        <translation>包含</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Conversion</source>
        <translation>转化</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../nodes/analyze.py" line="+4"/>
        <source>Conversion from one event to another</source>
        <translation>从一个事件到另一个事件的转化</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Csv</source>
        <translation>CSV</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Date property</source>
        <translation>日期属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days</source>
        <translation>天</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Delay</source>
        <translation>推迟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deliver at the next allowed time, or skip the message.</source>
        <translation>在下一个允许的时间发送，或跳过该消息。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>During quiet hours</source>
        <translation>免打扰时段内</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Entry config</source>
        <translation>入口设置</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Event within</source>
        <translation>在时限内发生事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Events that take a customer out of the journey.</source>
        <translation>会让客户退出旅程的事件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Exit config</source>
        <translation>退出设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exit when</source>
        <translation>退出条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment config</source>
        <translation>实验设置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fixed sample</source>
        <translation>固定样本量</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Frequency cap</source>
        <translation>频次上限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../nodes/analyze.py" line="+3"/>
        <location line="+31"/>
        <source>From event</source>
        <translation>起始事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Funnel config</source>
        <translation>漏斗设置</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Goal config</source>
        <translation>目标设置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Goal events</source>
        <translation>目标事件</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Holdout config</source>
        <translation>对照组设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Inherit</source>
        <translation>继承</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Jump config</source>
        <translation>跳转设置</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Limit messages per customer</source>
        <translation>限制每位客户收到的消息数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Live</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Messages every (days)</source>
        <translation>统计周期（天）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Metric config</source>
        <translation>指标设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Multi split config</source>
        <translation>多路分流设置</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note config</source>
        <translation>便签设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notify staff config</source>
        <translation>通知员工设置</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Once</source>
        <translation>一次</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Persona config</source>
        <translation>用户画像设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Quiet hours</source>
        <translation>免打扰时段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Random split config</source>
        <translation>随机分流设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re entry</source>
        <translation>再次进入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reaching one of these events counts the customer as converted.</source>
        <translation>发生其中任一事件即视为客户已转化。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recurring</source>
        <translation>重复</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule</source>
        <translation>定时</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send config</source>
        <translation>发送设置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sensors</source>
        <translation>Sensors</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sms</source>
        <translation>短信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Social</source>
        <translation>社交媒体</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stage config</source>
        <translation>阶段设置</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sum</source>
        <translation>总和</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Thompson</source>
        <translation>Thompson 采样</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time between</source>
        <translation>间隔时间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Time of day</source>
        <translation>时刻</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../nodes/analyze.py" line="-30"/>
        <location line="+31"/>
        <source>To event</source>
        <translation>结束事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Touchpoint config</source>
        <translation>触点设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Track event config</source>
        <translation>埋点事件设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Track source config</source>
        <translation>数据源设置</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unset</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Until</source>
        <translation>至</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Until event</source>
        <translation>直到事件发生</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Update profile config</source>
        <translation>更新客户档案设置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Used where a customer has no time zone of their own.</source>
        <translation>用于没有设置自己时区的客户。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Wait config</source>
        <translation>等待设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Web</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weeks</source>
        <translation>周</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Whether a customer may enter the journey again.</source>
        <translation>客户是否可以再次进入该旅程。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../nodes/analyze.py" line="-30"/>
        <source>Within (days)</source>
        <translation>时限（天）</translation>
    </message>
    <message>
        <location line="-52"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>The second event must follow the first within this time.</source>
        <translation>第二个事件须在第一个事件发生后的此时限内发生。</translation>
    </message>
    <message>
        <location line="-9"/>
        <location filename="../../nodes/analyze.py" line="+5"/>
        <source>Sum of a property</source>
        <translation>属性求和</translation>
    </message>
    <message>
        <location line="-50"/>
        <location filename="../../nodes/analyze.py" line="+4"/>
        <location line="+10"/>
        <location filename="../../nodes/common.py" line="+142"/>
        <location filename="../../nodes/track.py" line="-3"/>
        <source>Property</source>
        <extracomment>One level of a property name: letters of any script, digits, spaces inside it (a spreadsheet&apos;s column, ``Financial Status``), ``_`` and ``-``, optionally after a ``$`` (the Sensors SDKs&apos; preset properties: ``$app_version``, ``$os``). The first level does not start with a digit or ``-``. A dot separates the levels of a nested value (``shipping.city``, ``items.Lineitem name``). The name of an event property as SDKs send it: ``order_id``, ``$app_version``, ``product-id``, ``产品``, ``shipping.city`` (see :data:`PROPERTY_NAME_RULE`).</extracomment>
        <translation>属性</translation>
    </message>
    <message>
        <location line="-201"/>
        <location filename="../../nodes/analyze.py" line="-9"/>
        <location line="+10"/>
        <source>A number property, e.g. total.</source>
        <translation>数值型属性，例如 total。</translation>
    </message>
    <message>
        <location line="+33"/>
        <location filename="../../nodes/analyze.py" line="-5"/>
        <source>Average of a property</source>
        <translation>属性平均值</translation>
    </message>
    <message>
        <location line="+234"/>
        <location filename="../../nodes/analyze.py" line="+10"/>
        <source>Time between two events</source>
        <translation>两个事件的间隔时间</translation>
    </message>
    <message>
        <location line="-26"/>
        <location filename="../../nodes/analyze.py" line="+5"/>
        <source>Statistic</source>
        <translation>统计量</translation>
    </message>
    <message>
        <location filename="../../nodes/analyze.py" line="+8"/>
        <source>New metric</source>
        <translation>新指标</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-79"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <location line="+87"/>
        <location filename="../../nodes/common.py" line="+68"/>
        <location filename="../../nodes/map.py" line="+26"/>
        <location line="+51"/>
        <location line="+71"/>
        <location filename="../../nodes/optimize.py" line="+82"/>
        <location filename="../../nodes/orchestrate.py" line="+634"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <location line="+111"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="-19"/>
        <location filename="../../nodes/analyze.py" line="-84"/>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <location line="-145"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>A channel metric (opens, clicks) or a business metric (orders, revenue).</source>
        <translation>渠道指标（打开、点击）或业务指标（订单、收入）。</translation>
    </message>
    <message>
        <location line="+218"/>
        <location filename="../../nodes/analyze.py" line="+2"/>
        <source>Reporting window (days)</source>
        <translation>统计周期（天）</translation>
    </message>
    <message>
        <location line="+43"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>The metric is computed over this many most recent days.</source>
        <translation>指标按最近的这些天数计算。</translation>
    </message>
    <message>
        <location line="-5"/>
        <location filename="../../nodes/analyze.py" line="+2"/>
        <source>Target</source>
        <translation>目标值</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>The value to reach; for conversion a percentage. Optional.</source>
        <translation>要达到的值；转化类指标填写百分比。可选。</translation>
    </message>
    <message>
        <location line="-133"/>
        <location filename="../../nodes/analyze.py" line="+2"/>
        <source>Higher is better</source>
        <translation>越高越好</translation>
    </message>
    <message>
        <location filename="../../nodes/analyze.py" line="+33"/>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A key number: a count, a conversion rate, revenue, or the time between two events, with an optional target.</source>
        <translation>一个关键数字：计数、转化率、收入或两个事件的间隔时间，可设置目标值。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+115"/>
        <location filename="../../nodes/analyze.py" line="+21"/>
        <location line="+8"/>
        <location filename="../../nodes/orchestrate.py" line="+32"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location line="-6"/>
        <location filename="../../nodes/analyze.py" line="-2"/>
        <location line="+3"/>
        <location filename="../../nodes/map.py" line="-103"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="-103"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>Id of a Stage node; a customer reaches it by entering any step in it.</source>
        <translation>阶段节点的 ID；客户进入该阶段中的任一步骤即算到达。</translation>
    </message>
    <message>
        <location filename="../../nodes/analyze.py" line="+8"/>
        <source>New funnel</source>
        <translation>新漏斗</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+110"/>
        <location filename="../../nodes/analyze.py" line="+2"/>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location line="-108"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>In order; a customer counts at a step only after the previous ones.</source>
        <translation>按顺序；客户须先完成之前的步骤，才会计入当前步骤。</translation>
    </message>
    <message>
        <location line="-78"/>
        <location filename="../../nodes/analyze.py" line="+4"/>
        <location filename="../../nodes/optimize.py" line="+11"/>
        <source>Conversion window (days)</source>
        <translation>转化窗口（天）</translation>
    </message>
    <message>
        <location line="-46"/>
        <location filename="../../nodes/analyze.py" line="+1"/>
        <source>All steps must happen within this time of the first.</source>
        <translation>所有步骤须在第一步之后的此时限内完成。</translation>
    </message>
    <message>
        <location filename="../../nodes/analyze.py" line="+12"/>
        <source>Funnel</source>
        <translation>漏斗</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many customers get from one step to the next, in order, within a conversion window.</source>
        <translation>在转化窗口内按顺序从一个步骤进入下一个步骤的客户数。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+72"/>
        <location filename="../../nodes/common.py" line="-154"/>
        <source>Email</source>
        <extracomment>Longest summary shown on a node; longer ones end in an ellipsis. An event name as sent by the source (``order_completed``, ``Order Completed``). A customer attribute or event property: letters, digits, ``_`` and ``.`` for nested keys. A tag on a customer profile. ``HH:MM`` on a 24-hour clock. ``#RRGGBB``. A port name chosen by the user (paths, variants): lower case, digits and ``_``. A value compared with or written to an attribute. Exact JSON types are kept (``true`` stays a bool).</extracomment>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../nodes/common.py" line="+1"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+214"/>
        <location filename="../../nodes/common.py" line="+1"/>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location line="-252"/>
        <location filename="../../nodes/common.py" line="+1"/>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location line="-2"/>
        <location filename="../../nodes/common.py" line="+10"/>
        <source>Channel account</source>
        <translation>渠道账号</translation>
    </message>
    <message>
        <location line="+214"/>
        <location filename="../../nodes/common.py" line="+6"/>
        <source>The connected channel account to use (its id; credentials are stored separately).</source>
        <translation>要使用的已连接渠道账号（填写其 ID；凭据单独存储）。</translation>
    </message>
    <message>
        <location line="-228"/>
        <location filename="../../nodes/common.py" line="+41"/>
        <source>Attribute rule</source>
        <extracomment>How an operator reads in a summary. Operators that test presence only and take no value.</extracomment>
        <translation>属性规则</translation>
    </message>
    <message>
        <location line="-2"/>
        <location filename="../../nodes/common.py" line="+2"/>
        <location filename="../../nodes/map.py" line="+26"/>
        <location filename="../../nodes/orchestrate.py" line="-415"/>
        <location line="+276"/>
        <location line="+8"/>
        <source>Attribute</source>
        <extracomment>Output of a customer whose value matches none of the branches.</extracomment>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+170"/>
        <location filename="../../nodes/common.py" line="+1"/>
        <source>Profile attribute, e.g. plan or city.</source>
        <translation>客户档案属性，例如 plan 或 city。</translation>
    </message>
    <message>
        <location line="-18"/>
        <location filename="../../nodes/common.py" line="+2"/>
        <location line="+24"/>
        <source>Operator</source>
        <translation>运算符</translation>
    </message>
    <message>
        <location line="+112"/>
        <location filename="../../nodes/common.py" line="-23"/>
        <location line="+24"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <location filename="../../nodes/orchestrate.py" line="-7"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="-150"/>
        <location filename="../../nodes/common.py" line="-23"/>
        <location line="+24"/>
        <source>Left empty for &apos;is set&apos; and &apos;is not set&apos;.</source>
        <translation>运算符为“已设置”和“未设置”时留空。</translation>
    </message>
    <message>
        <location line="+60"/>
        <location filename="../../nodes/common.py" line="-7"/>
        <source>Property filter</source>
        <translation>属性筛选</translation>
    </message>
    <message>
        <location line="-106"/>
        <location filename="../../nodes/common.py" line="+3"/>
        <source>Event property, e.g. total or sku.</source>
        <translation>事件属性，例如 total 或 sku。</translation>
    </message>
    <message>
        <location filename="../../nodes/common.py" line="+18"/>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+107"/>
        <location filename="../../nodes/common.py" line="+5"/>
        <source>Property filters</source>
        <translation>属性筛选</translation>
    </message>
    <message>
        <location line="-192"/>
        <location filename="../../nodes/common.py" line="+2"/>
        <source>All filters must match for the event to count.</source>
        <translation>事件须符合所有筛选条件才会计入。</translation>
    </message>
    <message>
        <location line="+140"/>
        <location filename="../../nodes/common.py" line="+7"/>
        <source>Match</source>
        <translation>符合方式</translation>
    </message>
    <message>
        <location line="+158"/>
        <location filename="../../nodes/common.py" line="+1"/>
        <source>Whether all rules or any one rule must hold.</source>
        <translation>须符合全部规则，还是符合任一规则即可。</translation>
    </message>
    <message>
        <location line="-228"/>
        <location filename="../../nodes/common.py" line="+15"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="-66"/>
        <location filename="../../nodes/common.py" line="+2"/>
        <location filename="../../nodes/orchestrate.py" line="-180"/>
        <source>Amount</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+267"/>
        <location filename="../../nodes/common.py" line="+1"/>
        <location filename="../../nodes/orchestrate.py" line="-295"/>
        <location line="+296"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location line="-95"/>
        <location filename="../../nodes/common.py" line="+14"/>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <location line="-39"/>
        <location filename="../../nodes/common.py" line="+3"/>
        <source>Lower-case letters, digits and _; also the name of the output.</source>
        <translation>小写字母、数字和 _；也用作输出的名称。</translation>
    </message>
    <message>
        <location line="+153"/>
        <location filename="../../nodes/common.py" line="+2"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="-88"/>
        <location filename="../../nodes/common.py" line="+1"/>
        <source>Relative share of customers sent this way.</source>
        <translation>走这条路径的客户的相对占比。</translation>
    </message>
    <message>
        <location filename="../../nodes/common.py" line="+38"/>
        <source>In</source>
        <translation>输入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../nodes/map.py" line="-47"/>
        <source>New stage</source>
        <translation>新阶段</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+104"/>
        <location filename="../../nodes/map.py" line="+2"/>
        <source>e.g. Awareness, Onboarding, Retention.</source>
        <translation>例如：认知、新手引导、留存。</translation>
    </message>
    <message>
        <location line="-197"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <location filename="../../nodes/orchestrate.py" line="+293"/>
        <source>Goal</source>
        <translation>目标</translation>
    </message>
    <message>
        <location line="+182"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>What a customer should achieve in this stage.</source>
        <translation>客户在此阶段应达成的目标。</translation>
    </message>
    <message>
        <location line="-252"/>
        <location filename="../../nodes/map.py" line="+2"/>
        <location line="+180"/>
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
    <message>
        <location line="+133"/>
        <location filename="../../nodes/map.py" line="-178"/>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>Position from left to right; lower comes first.</source>
        <translation>从左到右的位置；数值越小越靠前。</translation>
    </message>
    <message>
        <location filename="../../nodes/map.py" line="+13"/>
        <source>A lane of the journey, such as Onboarding, with its goal. Steps placed in it are counted in the stage funnel.</source>
        <translation>旅程中的一条泳道（如新手引导）及其目标。放入其中的步骤会计入阶段漏斗。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+83"/>
        <location filename="../../nodes/map.py" line="+14"/>
        <location line="+2"/>
        <source>Trait</source>
        <translation>特征</translation>
    </message>
    <message>
        <location line="+42"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>e.g. Motivation.</source>
        <translation>例如：动机。</translation>
    </message>
    <message>
        <location line="-240"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <location line="+13"/>
        <location line="+72"/>
        <location filename="../../nodes/track.py" line="-97"/>
        <location line="+7"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location line="-49"/>
        <location filename="../../nodes/map.py" line="-81"/>
        <source>Attribute default</source>
        <translation>属性默认值</translation>
    </message>
    <message>
        <location filename="../../nodes/map.py" line="+7"/>
        <source>New persona</source>
        <translation>新用户画像</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+201"/>
        <location filename="../../nodes/map.py" line="+5"/>
        <source>Share of customers (%)</source>
        <translation>客户占比（%）</translation>
    </message>
    <message>
        <location line="-99"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>How many customers are like this persona. Shares are scaled so that all personas together make 100%.</source>
        <translation>有多少客户属于此用户画像。各占比会按比例换算，使所有用户画像合计为 100%。</translation>
    </message>
    <message>
        <location line="+146"/>
        <location filename="../../nodes/map.py" line="+4"/>
        <source>Traits</source>
        <translation>特征</translation>
    </message>
    <message>
        <location line="-6"/>
        <location filename="../../nodes/map.py" line="+2"/>
        <source>Time zones</source>
        <translation>时区</translation>
    </message>
    <message>
        <location line="-138"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>IANA names such as Europe/Berlin; simulated customers are spread over them.</source>
        <translation>IANA 时区名称，例如 Europe/Berlin；模拟客户会分布在这些时区中。</translation>
    </message>
    <message>
        <location line="+66"/>
        <location filename="../../nodes/map.py" line="+4"/>
        <source>Profile attributes</source>
        <translation>客户档案属性</translation>
    </message>
    <message>
        <location line="-168"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>Attributes simulated customers of this persona start with.</source>
        <translation>此用户画像的模拟客户的初始属性。</translation>
    </message>
    <message>
        <location filename="../../nodes/map.py" line="+28"/>
        <source>Persona</source>
        <translation>用户画像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A kind of customer: who they are, how many there are and what drives them. The simulator builds its customers from personas.</source>
        <translation>一类客户：他们是谁、有多少、受什么驱动。模拟器根据用户画像生成客户。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>New touchpoint</source>
        <translation>新触点</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+12"/>
        <location filename="../../nodes/map.py" line="+2"/>
        <location filename="../../nodes/orchestrate.py" line="-449"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location line="+44"/>
        <location filename="../../nodes/map.py" line="+3"/>
        <source>Emotion</source>
        <translation>情绪</translation>
    </message>
    <message>
        <location line="+45"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>How the customer feels here, from −2 (upset) to +2 (delighted).</source>
        <translation>客户在此处的感受，从 −2（不满）到 +2（惊喜）。</translation>
    </message>
    <message>
        <location line="+54"/>
        <location filename="../../nodes/map.py" line="+3"/>
        <source>Pain points</source>
        <translation>痛点</translation>
    </message>
    <message>
        <location line="-5"/>
        <location filename="../../nodes/map.py" line="+2"/>
        <source>Opportunities</source>
        <translation>机会点</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+125"/>
        <location filename="../../nodes/map.py" line="+1"/>
        <source>Who in the team looks after it.</source>
        <translation>团队中负责此项的人。</translation>
    </message>
    <message>
        <location filename="../../nodes/map.py" line="+29"/>
        <source>Touchpoint</source>
        <extracomment>How an emotion score reads: a marketer thinks &quot;negative&quot;, not &quot;-1&quot;.</extracomment>
        <translation>触点</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A moment where the customer meets the business, how they feel there, what hurts and what could be better.</source>
        <translation>客户与企业接触的时刻：客户在此的感受、痛点以及可改进之处。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-55"/>
        <location filename="../../nodes/map.py" line="+18"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../nodes/map.py" line="+7"/>
        <source>Empty note</source>
        <translation>空便签</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Note</source>
        <translation>便签</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A sticky note for ideas, questions and decisions.</source>
        <translation>用于记录想法、问题和决定的便签。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-147"/>
        <location filename="../../nodes/optimize.py" line="-56"/>
        <source>Fixed sample size</source>
        <translation>固定样本量</translation>
    </message>
    <message>
        <location line="+137"/>
        <location filename="../../nodes/optimize.py" line="+2"/>
        <location line="+13"/>
        <location line="+13"/>
        <source>Stop</source>
        <translation>停止方式</translation>
    </message>
    <message>
        <location line="-180"/>
        <location filename="../../nodes/optimize.py" line="-24"/>
        <source>Customers per variant</source>
        <translation>每个变体的客户数</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>Decide once every variant has had this many.</source>
        <translation>每个变体都达到此数量后再判定。</translation>
    </message>
    <message>
        <location line="-20"/>
        <location filename="../../nodes/optimize.py" line="+2"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location line="+59"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>For the significance test at the end, e.g. 0.95.</source>
        <translation>用于结束时的显著性检验，例如 0.95。</translation>
    </message>
    <message>
        <location line="+83"/>
        <location filename="../../nodes/optimize.py" line="+5"/>
        <location line="+4"/>
        <source>Probability to be best</source>
        <translation>最优概率</translation>
    </message>
    <message>
        <location line="-121"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>Declare a winner once one variant is this likely to be the best.</source>
        <translation>当某个变体为最优的概率达到此值时，判定其胜出。</translation>
    </message>
    <message>
        <location line="-51"/>
        <location filename="../../nodes/optimize.py" line="+4"/>
        <source>At least (customers per variant)</source>
        <translation>最少（每个变体的客户数）</translation>
    </message>
    <message>
        <location line="+12"/>
        <location filename="../../nodes/optimize.py" line="+4"/>
        <source>Bandit (shift traffic to the best)</source>
        <translation>多臂老虎机（向最优变体倾斜流量）</translation>
    </message>
    <message>
        <location line="-26"/>
        <location filename="../../nodes/optimize.py" line="+3"/>
        <source>Algorithm</source>
        <translation>算法</translation>
    </message>
    <message>
        <location line="+254"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>Thompson sampling.</source>
        <translation>汤普森采样。</translation>
    </message>
    <message>
        <location line="-171"/>
        <location filename="../../nodes/optimize.py" line="+2"/>
        <source>Even split first (customers per variant)</source>
        <translation>先平均分配（每个变体的客户数）</translation>
    </message>
    <message>
        <location filename="../../nodes/optimize.py" line="+12"/>
        <source>New experiment</source>
        <translation>新实验</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+201"/>
        <location filename="../../nodes/optimize.py" line="+3"/>
        <source>Variants</source>
        <translation>变体</translation>
    </message>
    <message>
        <location line="-116"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>One output per variant; weights are the initial traffic split.</source>
        <translation>每个变体一个输出；权重即初始流量分配比例。</translation>
    </message>
    <message>
        <location line="+17"/>
        <location filename="../../nodes/optimize.py" line="+3"/>
        <source>Primary goal event</source>
        <translation>主要目标事件</translation>
    </message>
    <message>
        <location line="-105"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>Empty to use the journey&apos;s goal events.</source>
        <translation>留空则使用旅程的目标事件。</translation>
    </message>
    <message>
        <location line="+35"/>
        <location filename="../../nodes/optimize.py" line="+2"/>
        <source>Goal filters</source>
        <translation>目标筛选</translation>
    </message>
    <message>
        <location line="-125"/>
        <location filename="../../nodes/optimize.py" line="+3"/>
        <source>A conversion counts if it happens this soon after a customer is assigned.</source>
        <translation>客户被分配变体后在此时限内发生的转化才会计入。</translation>
    </message>
    <message>
        <location line="+247"/>
        <location filename="../../nodes/optimize.py" line="+4"/>
        <source>Stopping rule</source>
        <translation>停止规则</translation>
    </message>
    <message>
        <location line="-22"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>Send everyone to the winner</source>
        <translation>将所有人导向胜出变体</translation>
    </message>
    <message>
        <location line="+82"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>When the rule picks a winner, route all new customers to it.</source>
        <translation>规则选出胜出变体后，将所有新客户导向该变体。</translation>
    </message>
    <message>
        <location filename="../../nodes/optimize.py" line="+17"/>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Test two or more paths against a goal and find the winner: a fixed sample, probability to be best, or a bandit.</source>
        <translation>针对目标测试两条或更多路径并找出胜出者：可采用固定样本、最优概率或多臂老虎机。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-179"/>
        <location filename="../../nodes/optimize.py" line="+22"/>
        <source>Held out (%)</source>
        <translation>对照组比例（%）</translation>
    </message>
    <message>
        <location line="+104"/>
        <location filename="../../nodes/optimize.py" line="+1"/>
        <source>Share of customers who receive nothing, to measure lift. Chosen from the customer id, so always the same customers.</source>
        <translation>不接收任何内容的客户占比，用于衡量提升效果。按客户 ID 选取，因此始终是同一批客户。</translation>
    </message>
    <message>
        <location filename="../../nodes/optimize.py" line="+7"/>
        <location line="+4"/>
        <source>Holdout</source>
        <translation>对照组</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Treatment</source>
        <translation>实验组</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Receives nothing; compared with treatment to measure lift.</source>
        <translation>不接收任何内容；与实验组对比以衡量提升效果。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep a control group out of the journey to measure what it really adds.</source>
        <translation>将一个对照组留在旅程之外，以衡量旅程的真实效果。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-10"/>
        <location filename="../../nodes/orchestrate.py" line="-187"/>
        <source>Segment</source>
        <translation>分群</translation>
    </message>
    <message>
        <location line="-218"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>A saved segment of the workspace.</source>
        <translation>工作区中已保存的分群。</translation>
    </message>
    <message>
        <location line="+301"/>
        <location filename="../../nodes/orchestrate.py" line="+14"/>
        <source>When an event happens</source>
        <translation>事件发生时</translation>
    </message>
    <message>
        <location line="-25"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+8"/>
        <location line="+15"/>
        <location line="+29"/>
        <location line="+16"/>
        <source>Trigger</source>
        <translation>触发条件</translation>
    </message>
    <message>
        <location line="+24"/>
        <location filename="../../nodes/orchestrate.py" line="-62"/>
        <source>When a customer enters a segment</source>
        <translation>客户进入分群时</translation>
    </message>
    <message>
        <location line="-237"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <location line="+29"/>
        <location line="+102"/>
        <source>Customers where</source>
        <translation>客户满足</translation>
    </message>
    <message>
        <location line="+108"/>
        <location filename="../../nodes/orchestrate.py" line="-119"/>
        <source>On a schedule</source>
        <translation>按计划时间</translation>
    </message>
    <message>
        <location line="+41"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Repeat</source>
        <translation>重复</translation>
    </message>
    <message>
        <location line="-147"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <location filename="../../nodes/track.py" line="-51"/>
        <source>Date and time</source>
        <translation>日期和时间</translation>
    </message>
    <message>
        <location line="+41"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>For a one-off run. Without a UTC offset it is read in the journey&apos;s time zone.</source>
        <translation>用于单次运行。未带 UTC 偏移时按旅程时区解读。</translation>
    </message>
    <message>
        <location line="-10"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Every</source>
        <translation>每隔</translation>
    </message>
    <message>
        <location line="-77"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+27"/>
        <location line="+303"/>
        <source>At (time of day)</source>
        <translation>时刻</translation>
    </message>
    <message>
        <location line="+88"/>
        <location filename="../../nodes/orchestrate.py" line="-329"/>
        <source>For a recurring run, in the journey&apos;s time zone.</source>
        <translation>用于重复运行，按旅程时区。</translation>
    </message>
    <message>
        <location line="+130"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Starting</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location line="-134"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>First day of a recurring run; empty for the day the journey goes live.</source>
        <translation>重复运行的第一天；留空则从旅程开始运行当天开始。</translation>
    </message>
    <message>
        <location line="+67"/>
        <location filename="../../nodes/orchestrate.py" line="+15"/>
        <source>On a date of the customer (birthday…)</source>
        <translation>在客户的某个日期（生日…）</translation>
    </message>
    <message>
        <location line="-104"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <location line="+303"/>
        <source>Date attribute</source>
        <translation>日期属性</translation>
    </message>
    <message>
        <location line="-68"/>
        <location filename="../../nodes/orchestrate.py" line="-302"/>
        <source>A profile attribute holding a date, e.g. birthday.</source>
        <translation>存有日期的客户档案属性，例如 birthday。</translation>
    </message>
    <message>
        <location line="+71"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <location line="+303"/>
        <source>Days before (−) or after (+)</source>
        <translation>提前（−）或延后（+）天数</translation>
    </message>
    <message>
        <location line="+65"/>
        <location filename="../../nodes/orchestrate.py" line="-301"/>
        <location line="+279"/>
        <location line="+24"/>
        <source>In the customer&apos;s time zone.</source>
        <translation>按客户所在时区。</translation>
    </message>
    <message>
        <location line="-37"/>
        <location filename="../../nodes/orchestrate.py" line="-302"/>
        <source>Every year</source>
        <translation>每年</translation>
    </message>
    <message>
        <location line="+52"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Match day and month each year (birthdays, anniversaries).</source>
        <translation>每年按相同的月和日触发（生日、纪念日）。</translation>
    </message>
    <message>
        <location line="-2"/>
        <location filename="../../nodes/orchestrate.py" line="+5"/>
        <source>Manually</source>
        <translation>手动</translation>
    </message>
    <message>
        <location line="-86"/>
        <location filename="../../nodes/orchestrate.py" line="+11"/>
        <source>Customers enter</source>
        <translation>客户进入方式</translation>
    </message>
    <message>
        <location line="+144"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Re-entry</source>
        <translation>重复进入</translation>
    </message>
    <message>
        <location line="-211"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>&apos;inherit&apos; follows the journey settings; the others override them for this entry.</source>
        <translation>“继承”沿用旅程设置；其他选项会为此入口覆盖旅程设置。</translation>
    </message>
    <message>
        <location line="+298"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Wait before re-entry (days)</source>
        <translation>重新进入前等待（天）</translation>
    </message>
    <message>
        <location line="-5"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Used when re-entry is overridden here.</source>
        <translation>在此处覆盖重复进入设置时使用。</translation>
    </message>
    <message>
        <location line="-199"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Entry limit</source>
        <translation>进入上限</translation>
    </message>
    <message>
        <location line="-64"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>At most this many customers enter; 0 for no limit.</source>
        <translation>最多允许这么多客户进入；0 表示不限。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+20"/>
        <source>Manual entry</source>
        <translation>手动进入</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Entry</source>
        <translation>入口</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where customers start the journey: on an event, when they join a segment, on a schedule, on a date such as a birthday, or by hand.</source>
        <translation>客户开始旅程的地方：事件发生时、加入分群时、按计划时间、在生日等日期，或手动进入。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+169"/>
        <location filename="../../nodes/orchestrate.py" line="+19"/>
        <source>Profile attribute</source>
        <translation>客户档案属性</translation>
    </message>
    <message>
        <location line="-149"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+13"/>
        <location line="+10"/>
        <location line="+7"/>
        <source>Check</source>
        <translation>判断依据</translation>
    </message>
    <message>
        <location line="+267"/>
        <location filename="../../nodes/orchestrate.py" line="-26"/>
        <source>Without the attribute go to</source>
        <translation>缺少属性时进入</translation>
    </message>
    <message>
        <location line="-57"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>The branch a customer takes when the profile lacks an attribute a rule tests (rules using &apos;is set&apos; / &apos;is not set&apos; are answered normally).</source>
        <translation>客户档案缺少规则所检查的属性时，客户进入的分支（使用“已设置”/“未设置”的规则照常判断）。</translation>
    </message>
    <message>
        <location line="-178"/>
        <location filename="../../nodes/orchestrate.py" line="+6"/>
        <source>Did an event recently</source>
        <translation>近期发生过某事件</translation>
    </message>
    <message>
        <location line="-55"/>
        <location filename="../../nodes/orchestrate.py" line="+4"/>
        <source>At least (times)</source>
        <translation>至少（次）</translation>
    </message>
    <message>
        <location line="+289"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Within the last (days)</source>
        <translation>最近（天）</translation>
    </message>
    <message>
        <location line="-178"/>
        <location filename="../../nodes/orchestrate.py" line="+5"/>
        <source>In a segment</source>
        <translation>在分群中</translation>
    </message>
    <message>
        <location line="-9"/>
        <location filename="../../nodes/orchestrate.py" line="+7"/>
        <source>Has consent for a channel</source>
        <translation>拥有渠道授权</translation>
    </message>
    <message>
        <location line="-75"/>
        <location filename="../../nodes/orchestrate.py" line="+11"/>
        <location line="+19"/>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <location line="+265"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="-150"/>
        <location filename="../../nodes/orchestrate.py" line="+0"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Send customers one way or the other: by a profile attribute, a recent event, segment membership or consent.</source>
        <translation>根据客户档案属性、近期事件、分群成员身份或授权，将客户分往不同方向。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+31"/>
        <location filename="../../nodes/orchestrate.py" line="+28"/>
        <source>Profile attribute to split on.</source>
        <translation>用于分流的客户档案属性。</translation>
    </message>
    <message>
        <location line="-159"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Branch values</source>
        <translation>分支取值</translation>
    </message>
    <message>
        <location line="+138"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>One branch per value, in order; everything else goes to &apos;Else&apos;.</source>
        <translation>每个值对应一个分支，按顺序排列；其余全部进入“其他”。</translation>
    </message>
    <message>
        <location line="-135"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Case sensitive</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <location line="+266"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Whether &apos;Gold&apos; and &apos;gold&apos; count as different values.</source>
        <translation>&apos;Gold&apos; 和 &apos;gold&apos; 是否视为不同的值。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+18"/>
        <location line="+11"/>
        <source>Else</source>
        <translation>其他</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Split by value</source>
        <translation>按值分流</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>One branch per value of a profile attribute (such as plan or country), plus one for everyone else.</source>
        <translation>按客户档案属性（如 plan 或 country）的每个值各设一个分支，其余客户另设一个分支。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-118"/>
        <location filename="../../nodes/orchestrate.py" line="+21"/>
        <source>Paths</source>
        <translation>路径</translation>
    </message>
    <message>
        <location line="-106"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Each customer always gets the same path (chosen from their id), in proportion to the weights.</source>
        <translation>按权重比例分配，每个客户始终进入同一路径（根据其 ID 选定）。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+14"/>
        <source>Random split</source>
        <translation>随机分流</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Divide customers between paths by weight; a customer always lands on the same path.</source>
        <translation>按权重将客户分配到各路径；同一客户始终进入同一路径。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+28"/>
        <location filename="../../nodes/orchestrate.py" line="+16"/>
        <source>For a while</source>
        <translation>一段时间</translation>
    </message>
    <message>
        <location line="+183"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+12"/>
        <location line="+19"/>
        <location line="+13"/>
        <location line="+17"/>
        <location line="+27"/>
        <source>Wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <location line="-8"/>
        <location filename="../../nodes/orchestrate.py" line="-78"/>
        <source>Until a time of day</source>
        <translation>直到某个时刻</translation>
    </message>
    <message>
        <location line="-21"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="-93"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>On</source>
        <translation>星期</translation>
    </message>
    <message>
        <location line="-159"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Allowed weekdays; empty for any day.</source>
        <translation>允许的星期几；留空表示任意一天。</translation>
    </message>
    <message>
        <location line="+272"/>
        <location filename="../../nodes/orchestrate.py" line="+12"/>
        <source>Until a date of the customer</source>
        <translation>直到客户的某个日期</translation>
    </message>
    <message>
        <location line="-283"/>
        <location filename="../../nodes/orchestrate.py" line="+4"/>
        <source>A profile attribute holding a date, e.g. renewal_date.</source>
        <translation>存有日期的客户档案属性，例如 renewal_date。</translation>
    </message>
    <message>
        <location line="+285"/>
        <location filename="../../nodes/orchestrate.py" line="+9"/>
        <source>Until an event (with a time limit)</source>
        <translation>直到发生某事件（有时限）</translation>
    </message>
    <message>
        <location line="-169"/>
        <location filename="../../nodes/orchestrate.py" line="+6"/>
        <source>Give up after</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location line="-51"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Customers who have not done it by then take the &apos;Timed out&apos; branch.</source>
        <translation>届时仍未发生该事件的客户进入“已超时”分支。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+7"/>
        <source>Event happened</source>
        <translation>事件已发生</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timed out</source>
        <translation>已超时</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Pause for a time, until a time of day, until a date of the customer, or until they do something (with a time limit).</source>
        <translation>暂停一段时间、直到某个时刻、直到客户的某个日期，或直到客户做出某个行为（有时限）。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-22"/>
        <location filename="../../nodes/orchestrate.py" line="+17"/>
        <location line="+138"/>
        <source>Channel type</source>
        <translation>渠道类型</translation>
    </message>
    <message>
        <location line="+204"/>
        <location filename="../../nodes/orchestrate.py" line="-137"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="-163"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Email subject; may use {{ placeholders }}.</source>
        <translation>邮件主题；可使用 {{ placeholders }} 形式的占位符。</translation>
    </message>
    <message>
        <location line="+70"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+139"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+100"/>
        <location filename="../../nodes/orchestrate.py" line="-138"/>
        <source>Text of the message, e.g. Hello {{ customer.first_name }}.</source>
        <translation>消息正文，例如：您好 {{ customer.first_name }}。</translation>
    </message>
    <message>
        <location line="-131"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>HTML version</source>
        <translation>HTML 版本</translation>
    </message>
    <message>
        <location line="+57"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Optional HTML for email; the plain message is the fallback.</source>
        <translation>可选的邮件 HTML 内容；纯文本消息作为备用。</translation>
    </message>
    <message>
        <location line="+36"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Respect quiet hours</source>
        <translation>遵守免打扰时段</translation>
    </message>
    <message>
        <location line="+60"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Transactional (ignore frequency cap)</source>
        <translation>事务性消息（忽略频次上限）</translation>
    </message>
    <message>
        <location line="-100"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <source>Only for messages the customer expects, such as receipts; consent is still checked.</source>
        <translation>仅用于客户预期会收到的消息，如收据；仍会检查授权。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+28"/>
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+113"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="-112"/>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No consent, capped, or no address.</source>
        <translation>无授权、达到频次上限或无地址。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send a personalised email, SMS, chat message or webhook through a connected channel, respecting consent, caps and quiet hours.</source>
        <translation>通过已连接的渠道发送个性化的邮件、短信、聊天消息或 Webhook，并遵守授权、频次上限和免打扰时段。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+50"/>
        <location filename="../../nodes/orchestrate.py" line="+18"/>
        <source>Set attribute</source>
        <translation>设置属性</translation>
    </message>
    <message>
        <location line="-49"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+8"/>
        <location line="+7"/>
        <location line="+7"/>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="-131"/>
        <location filename="../../nodes/orchestrate.py" line="-16"/>
        <source>Clear attribute</source>
        <translation>清除属性</translation>
    </message>
    <message>
        <location line="-43"/>
        <location filename="../../nodes/orchestrate.py" line="+7"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location line="+248"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <location line="+7"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="-39"/>
        <location filename="../../nodes/orchestrate.py" line="-3"/>
        <source>Remove tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <location line="-172"/>
        <location filename="../../nodes/orchestrate.py" line="+11"/>
        <source>Changes</source>
        <translation>更改</translation>
    </message>
    <message>
        <location line="-23"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Applied in order.</source>
        <translation>按顺序执行。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+15"/>
        <source>Update profile</source>
        <translation>更新客户档案</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set or clear profile attributes and add or remove tags.</source>
        <translation>设置或清除客户档案属性，添加或移除标签。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+206"/>
        <location filename="../../nodes/orchestrate.py" line="+16"/>
        <source>Send through</source>
        <translation>发送渠道</translation>
    </message>
    <message>
        <location line="-14"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>Recipients</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location line="-126"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Email addresses, phone numbers or chat rooms; empty for the channel&apos;s default.</source>
        <translation>邮箱地址、手机号码或聊天群；留空则使用渠道默认值。</translation>
    </message>
    <message>
        <location line="+234"/>
        <location filename="../../nodes/orchestrate.py" line="+3"/>
        <source>e.g. {{ customer.name }} rated us 1 star — please call back.</source>
        <translation>例如：{{ customer.name }} 给了我们 1 星评价，请回电。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+14"/>
        <source>Notify team</source>
        <translation>通知团队</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Alert someone in the team by chat or email, e.g. to call back an unhappy customer. The customer continues either way.</source>
        <translation>通过聊天或邮件提醒团队成员，例如回电给不满意的客户。无论如何，客户都会继续旅程。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-87"/>
        <location filename="../../nodes/orchestrate.py" line="+18"/>
        <source>Shown in reports; optional.</source>
        <translation>显示在报告中；可选。</translation>
    </message>
    <message>
        <location line="-110"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Goal event</source>
        <translation>目标事件</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+9"/>
        <source>A conversion: customers who do this event count as converted. Customers reaching this step continue along &apos;Next&apos;.</source>
        <translation>一次转化：发生此事件的客户计为已转化。到达此步骤的客户沿“下一步”继续。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-118"/>
        <location filename="../../nodes/orchestrate.py" line="+18"/>
        <source>A step of this journey</source>
        <translation>本旅程的某个步骤</translation>
    </message>
    <message>
        <location line="+115"/>
        <location filename="../../nodes/orchestrate.py" line="+2"/>
        <location line="+7"/>
        <location line="+16"/>
        <source>Go to</source>
        <translation>跳转到</translation>
    </message>
    <message>
        <location line="-103"/>
        <location filename="../../nodes/orchestrate.py" line="-18"/>
        <source>Another journey</source>
        <translation>另一个旅程</translation>
    </message>
    <message>
        <location line="+123"/>
        <location filename="../../nodes/orchestrate.py" line="+4"/>
        <source>Journey</source>
        <translation>旅程</translation>
    </message>
    <message>
        <location line="+100"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Start at step</source>
        <translation>起始步骤</translation>
    </message>
    <message>
        <location line="-151"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Empty to start at that journey&apos;s entry.</source>
        <translation>留空则从该旅程的入口开始。</translation>
    </message>
    <message>
        <location line="-62"/>
        <location filename="../../nodes/orchestrate.py" line="+13"/>
        <source>At most (times per customer)</source>
        <translation>最多（每位客户的次数）</translation>
    </message>
    <message>
        <location line="-18"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>After this many jumps a customer takes &apos;Loop limit reached&apos; instead, so a loop always ends.</source>
        <translation>跳转达到此次数后，客户改走“达到循环上限”，确保循环总会结束。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+13"/>
        <source>Jump</source>
        <translation>跳转</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loop limit reached</source>
        <translation>达到循环上限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Continue at another step of this journey, or move the customer to another journey, with a limit on repeats.</source>
        <translation>在本旅程的另一个步骤继续，或将客户移至另一个旅程，并限制重复次数。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="+202"/>
        <location filename="../../nodes/orchestrate.py" line="+16"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+101"/>
        <location filename="../../nodes/orchestrate.py" line="+1"/>
        <source>Why customers leave here, shown in reports; optional.</source>
        <translation>客户在此离开的原因，显示在报告中；可选。</translation>
    </message>
    <message>
        <location filename="../../nodes/orchestrate.py" line="+6"/>
        <location line="+4"/>
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>The customer leaves the journey here.</source>
        <translation>客户在此退出旅程。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-63"/>
        <location filename="../../nodes/track.py" line="-3"/>
        <source>String</source>
        <extracomment>What a property holds. ``list`` (a JSON array, such as a cart&apos;s ``items``) and ``object`` (a JSON object, such as ``shipping``) came after the first four: a file that uses only those loads and checks as before, so the node&apos;s version stays 1 (see :mod:`engine.track.tracking_plan`).</extracomment>
        <translation>字符串</translation>
    </message>
    <message>
        <location line="-78"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="-133"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Boolean</source>
        <translation>布尔值</translation>
    </message>
    <message>
        <location line="+108"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <source>List</source>
        <translation>列表</translation>
    </message>
    <message>
        <location line="+26"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Object</source>
        <translation>对象</translation>
    </message>
    <message>
        <location line="+110"/>
        <location filename="../../nodes/track.py" line="+34"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="-135"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>List: an array, such as a cart&apos;s items. Object: nested values, such as a shipping address; a dotted name (shipping.city) declares one value inside it.</source>
        <translation>列表：数组，如购物车中的商品。对象：嵌套的值，如收货地址；带点的名称（shipping.city）表示其中的一个值。</translation>
    </message>
    <message>
        <location line="+71"/>
        <location filename="../../nodes/track.py" line="+6"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location line="-122"/>
        <location filename="../../nodes/track.py" line="+5"/>
        <source>Event name</source>
        <translation>事件名称</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Exactly as the source sends it.</source>
        <translation>须与数据源发送的名称完全一致。</translation>
    </message>
    <message>
        <location line="+204"/>
        <location filename="../../nodes/track.py" line="+3"/>
        <source>When the event is sent and what it means.</source>
        <translation>事件何时发送及其含义。</translation>
    </message>
    <message>
        <location line="-105"/>
        <location filename="../../nodes/track.py" line="+4"/>
        <source>Properties</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+36"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <location line="+86"/>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location line="-72"/>
        <location filename="../../nodes/track.py" line="-85"/>
        <source>Name of the data source that sends it; empty for any source.</source>
        <translation>发送此事件的数据源名称；留空表示任意数据源。</translation>
    </message>
    <message>
        <location filename="../../nodes/track.py" line="+22"/>
        <source>Tracked event</source>
        <translation>埋点事件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>An entry of the tracking plan: an event name and the properties it carries. Incoming events are checked against it.</source>
        <translation>埋点方案中的一项：事件名称及其携带的属性。收到的事件会据此校验。</translation>
    </message>
    <message>
        <location filename="../../gui/form_strings.py" line="-124"/>
        <location filename="../../nodes/track.py" line="+23"/>
        <source>CSV file</source>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <location line="+101"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <location line="+15"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="-36"/>
        <location filename="../../nodes/track.py" line="-14"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+83"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Path of the CSV file, one event per row.</source>
        <translation>CSV 文件的路径，每行一个事件。</translation>
    </message>
    <message>
        <location line="-112"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Delimiter</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <location line="-13"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <source>Customer id column</source>
        <translation>客户 ID 列</translation>
    </message>
    <message>
        <location line="+31"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <source>Event column</source>
        <translation>事件列</translation>
    </message>
    <message>
        <location line="+174"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <source>Time column</source>
        <translation>时间列</translation>
    </message>
    <message>
        <location line="-219"/>
        <location filename="../../nodes/track.py" line="+4"/>
        <source>Collector</source>
        <translation>采集器</translation>
    </message>
    <message>
        <location line="+155"/>
        <location filename="../../nodes/track.py" line="+4"/>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <location line="+18"/>
        <location filename="../../nodes/track.py" line="+1"/>
        <source>Segment HTTP tracking API, or the Sensors Analytics SDK format.</source>
        <translation>Segment HTTP 追踪 API，或 Sensors Analytics SDK 格式。</translation>
    </message>
    <message>
        <location line="+93"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <source>Write key</source>
        <translation>写入密钥</translation>
    </message>
    <message>
        <location line="-152"/>
        <location filename="../../nodes/track.py" line="+2"/>
        <source>Name of the collector write key this source&apos;s senders use, one of the workspace&apos;s keys (Track › Collector, Write keys; or &apos;journey-studio collect keys list&apos;). Only the name is kept here, never the key. Only events sent with that key are counted; empty counts every key of the protocol.</source>
        <translation>此数据源的发送方所用的采集器写入密钥名称，须为工作区的密钥之一（追踪 › 采集器，写入密钥；或 &apos;journey-studio collect keys list&apos;）。此处只保存名称，从不保存密钥本身。只统计使用该密钥发送的事件；留空则统计该协议的所有密钥。</translation>
    </message>
    <message>
        <location filename="../../nodes/track.py" line="+28"/>
        <source>Where events come from: a CSV export, or the built-in collector that accepts Segment or Sensors tracking calls. Shows how many events arrived from it, in all and in the last 24 hours. A collector source naming a write key counts the events sent with that key, so a website and an app with keys of their own count apart; one naming no key counts every event of its protocol. A CSV source counts the imports of files with its file name.</source>
        <translation>事件的来源：CSV 导出文件，或接收 Segment 或 Sensors 埋点调用的内置采集器。显示从该数据源收到的事件数，包括总数和最近 24 小时的数量。指定了写入密钥的采集器数据源只统计使用该密钥发送的事件，因此各自使用独立密钥的网站和 App 会分开统计；未指定密钥的则统计其协议的所有事件。CSV 数据源统计文件名与其相同的文件的导入。</translation>
    </message>
    <message>
        <location line="-17"/>
        <location line="+15"/>
        <source>Data source</source>
        <translation>数据源</translation>
    </message>
</context>
<context>
    <name>panel</name>
    <message>
        <location filename="../../gui/screenshot.py" line="+158"/>
        <source>Simulating… day %1 of %2</source>
        <extracomment>What the offscreen platform says when a window asks for what only a screen&apos;s window system does: known, harmless, and printed dozens of times per run.</extracomment>
        <translation>正在模拟… 第 %1 天，共 %2 天</translation>
    </message>
</context>
</TS>
