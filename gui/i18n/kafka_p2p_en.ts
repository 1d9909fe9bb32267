<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>About</name>
        <message>
            <source>embedded</source>
            <translation>embedded</translation>
        </message>
        <message>
            <source>cluster id {id}</source>
            <translation>cluster id {id}</translation>
        </message>
        <message>
            <source>no CreatePartitions API</source>
            <translation>no CreatePartitions API</translation>
        </message>
        <message>
            <source>has the CreatePartitions API</source>
            <translation>has the CreatePartitions API</translation>
        </message>
        <message>
            <source>profile {name} ({how})</source>
            <translation>profile {name} ({how})</translation>
        </message>
        <message>
            <source>embedded {version} at {address}</source>
            <translation>embedded {version} at {address}</translation>
        </message>
        <message>
            <source>external Kafka at {address}</source>
            <translation>external Kafka at {address}</translation>
        </message>
        <message>
            <source>App</source>
            <translation>App</translation>
        </message>
        <message>
            <source>Broker</source>
            <translation>Broker</translation>
        </message>
        <message>
            <source>About the Kafka point-to-point demo</source>
            <translation>About the Kafka point-to-point demo</translation>
        </message>
        <message>
            <source>&lt;b&gt;Kafka point-to-point demo&lt;/b&gt;&lt;br&gt;One message, one consumer of the group.</source>
            <translation>&lt;b&gt;Kafka point-to-point demo&lt;/b&gt;&lt;br&gt;One message, one consumer of the group.</translation>
        </message>
    </context>
    <context>
        <name>ConsumerCard</name>
        <message>
            <source>Remove this card</source>
            <translation>Remove this card</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Stop</translation>
        </message>
        <message>
            <source>Graceful: finish, commit, leave the group</source>
            <translation>Graceful: finish, commit, leave the group</translation>
        </message>
        <message>
            <source>Crash</source>
            <translation>Crash</translation>
        </message>
        <message>
            <source>Vanish: no commit, no LeaveGroup; the broker waits</source>
            <translation>Vanish: no commit, no LeaveGroup; the broker waits</translation>
        </message>
        <message>
            <source>Simulated processing time per message</source>
            <translation>Simulated processing time per message</translation>
        </message>
        <message>
            <source>no partitions</source>
            <translation>no partitions</translation>
        </message>
        <message>
            <source>processed &lt;b&gt;{n}&lt;/b&gt; · {rate} msg/s</source>
            <translation>processed &lt;b&gt;{n}&lt;/b&gt; · {rate} msg/s</translation>
        </message>
        <message>
            <source>▸ working on &lt;b&gt;{id}&lt;/b&gt;</source>
            <translation>▸ working on &lt;b&gt;{id}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>An OS process the app started: Crash sends it SIGKILL</source>
            <translation>An OS process the app started: Crash sends it SIGKILL</translation>
        </message>
        <message>
            <source>Started by hand (python -m messaging.consumer), here or on another machine</source>
            <translation>Started by hand (python -m messaging.consumer), here or on another machine</translation>
        </message>
        <message>
            <source>A group member that reports nothing (like the spec's consumer.py)</source>
            <translation>A group member that reports nothing (like the spec's consumer.py)</translation>
        </message>
        <message>
            <source>process · pid {pid}</source>
            <translation>process · pid {pid}</translation>
        </message>
        <message>
            <source>remote · {host} · pid {pid}</source>
            <translation>remote · {host} · pid {pid}</translation>
        </message>
        <message>
            <source>outside member · reports nothing</source>
            <translation>outside member · reports nothing</translation>
        </message>
        <message>
            <source>thread of the app</source>
            <translation>thread of the app</translation>
        </message>
        <message>
            <source>partitions as the group's leader assigned them</source>
            <translation>partitions as the group's leader assigned them</translation>
        </message>
        <message>
            <source>partitions as the broker describes them</source>
            <translation>partitions as the broker describes them</translation>
        </message>
        <message>
            <source>partitions inferred: a guess, nobody told (none of the app's consumers leads)</source>
            <translation>partitions inferred: a guess, nobody told (none of the app's consumers leads)</translation>
        </message>
        <message>
            <source>client id {id}</source>
            <translation>client id {id}</translation>
        </message>
        <message>
            <source>broker notices in {left} s (session timeout)</source>
            <translation>broker notices in {left} s (session timeout)</translation>
        </message>
        <message>
            <source>session expired {ago} s ago · partitions moved on</source>
            <translation>session expired {ago} s ago · partitions moved on</translation>
        </message>
        <message>
            <source>redelivered</source>
            <translation>redelivered</translation>
        </message>
        <message>
            <source>try {n}</source>
            <translation>try {n}</translation>
        </message>
        <message>
            <source>nothing processed yet</source>
            <translation>nothing processed yet</translation>
        </message>
    </context>
    <context>
        <name>ConsumerGrid</name>
        <message>
            <source>Consumer group</source>
            <translation>Consumer group</translation>
        </message>
        <message>
            <source>process</source>
            <translation>process</translation>
        </message>
        <message>
            <source>thread</source>
            <translation>thread</translation>
        </message>
        <message>
            <source>＋ Add consumer ({kind})</source>
            <translation>＋ Add consumer ({kind})</translation>
        </message>
        <message>
            <source>Process — its own OS process; Crash = SIGKILL</source>
            <translation>Process — its own OS process; Crash = SIGKILL</translation>
        </message>
        <message>
            <source>Thread — inside the app; Crash is simulated</source>
            <translation>Thread — inside the app; Crash is simulated</translation>
        </message>
        <message numerus="yes">
            <source>%Ln live</source>
            <comment>consumers</comment>
            <translation>
                <numerusform>%Ln live</numerusform>
                <numerusform>%Ln live</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln shown</source>
            <comment>cards</comment>
            <translation>
                <numerusform>%Ln shown</numerusform>
                <numerusform>%Ln shown</numerusform>
            </translation>
        </message>
        <message>
            <source>idle: no partition is left for it</source>
            <translation>idle: no partition is left for it</translation>
        </message>
    </context>
    <context>
        <name>Core</name>
        <message>
            <source>failed while running</source>
            <translation>failed while running</translation>
        </message>
        <message>
            <source>bad arguments</source>
            <translation>bad arguments</translation>
        </message>
        <message>
            <source>could not start</source>
            <translation>could not start</translation>
        </message>
        <message>
            <source>unexpected</source>
            <translation>unexpected</translation>
        </message>
        <message>
            <source>redelivered, because its partition was handed over with uncommitted work</source>
            <translation>redelivered, because its partition was handed over with uncommitted work</translation>
        </message>
        <message>
            <source>its partition was read again from an older offset</source>
            <translation>its partition was read again from an older offset</translation>
        </message>
        <message>
            <source>processed after a later message of key {key} (offset {offset})</source>
            <translation>processed after a later message of key {key} (offset {offset})</translation>
        </message>
        <message>
            <source>the broker tells clients to connect to {host}, which is this machine's loopback: a consumer on another machine cannot join with it; pass --advertised-host with an address the other machines reach</source>
            <translation>the broker tells clients to connect to {host}, which is this machine's loopback: a consumer on another machine cannot join with it; pass --advertised-host with an address the other machines reach</translation>
        </message>
        <message>
            <source>gone: generation {generation} of the group left it out</source>
            <translation>gone: generation {generation} of the group left it out</translation>
        </message>
        <message>
            <source>gone: the broker no longer lists it in the group</source>
            <translation>gone: the broker no longer lists it in the group</translation>
        </message>
        <message>
            <source>topic {topic} already exists with {partitions} partitions (asked for {asked})</source>
            <translation>topic {topic} already exists with {partitions} partitions (asked for {asked})</translation>
        </message>
        <message>
            <source>topic {topic} came back with {partitions} partitions, not {before}: a client asked for it before the app could recreate it</source>
            <translation>topic {topic} came back with {partitions} partitions, not {before}: a client asked for it before the app could recreate it</translation>
        </message>
        <message>
            <source>broker {address} unreachable since {at}</source>
            <translation>broker {address} unreachable since {at}</translation>
        </message>
        <message>
            <source>embedded broker died (exit code {code}) at {at}</source>
            <translation>embedded broker died (exit code {code}) at {at}</translation>
        </message>
        <message>
            <source>broker {address} back at {at} after {seconds} s</source>
            <translation>broker {address} back at {at} after {seconds} s</translation>
        </message>
        <message>
            <source>killed (SIGKILL)</source>
            <translation>killed (SIGKILL)</translation>
        </message>
        <message>
            <source>killed by {signal}</source>
            <translation>killed by {signal}</translation>
        </message>
        <message>
            <source>exited after a graceful stop</source>
            <translation>exited after a graceful stop</translation>
        </message>
        <message>
            <source>exited with code {code} ({meaning})</source>
            <translation>exited with code {code} ({meaning})</translation>
        </message>
        <message>
            <source>left the group</source>
            <translation>left the group</translation>
        </message>
        <message>
            <source>silent for {seconds} s</source>
            <translation>silent for {seconds} s</translation>
        </message>
        <message>
            <source>crash simulated (a thread cannot be killed)</source>
            <translation>crash simulated (a thread cannot be killed)</translation>
        </message>
        <message>
            <source>topic {topic} has {partitions} partitions but {consumers} consumers: {idle} of them will sit idle (one partition feeds at most one consumer of a group)</source>
            <translation>topic {topic} has {partitions} partitions but {consumers} consumers: {idle} of them will sit idle (one partition feeds at most one consumer of a group)</translation>
        </message>
    </context>
    <context>
        <name>GroupPanel</name>
        <message>
            <source>Its consumers</source>
            <translation>Its consumers</translation>
        </message>
        <message>
            <source>Group &lt;b&gt;{group}&lt;/b&gt; · {assignor} · &lt;span style='color:#8C93A5'&gt;gets every message too&lt;/span&gt;</source>
            <translation>Group &lt;b&gt;{group}&lt;/b&gt; · {assignor} · &lt;span style='color:#8C93A5'&gt;gets every message too&lt;/span&gt;</translation>
        </message>
        <message>
            <source>Add consumer group</source>
            <translation>Add consumer group</translation>
        </message>
        <message>
            <source>Another group on the same topic gets every message too (publish-subscribe).
Group name:</source>
            <translation>Another group on the same topic gets every message too (publish-subscribe).
Group name:</translation>
        </message>
        <message>
            <source>Assignment strategy:</source>
            <translation>Assignment strategy:</translation>
        </message>
    </context>
    <context>
        <name>History</name>
        <message>
            <source>{consumer} crashed before commit</source>
            <translation>{consumer} crashed before commit</translation>
        </message>
        <message>
            <source>{consumer} stopped before commit</source>
            <translation>{consumer} stopped before commit</translation>
        </message>
        <message>
            <source>sent</source>
            <translation>sent</translation>
        </message>
        <message>
            <source>group</source>
            <translation>group</translation>
        </message>
        <message>
            <source>redelivered to {consumer}</source>
            <translation>redelivered to {consumer}</translation>
        </message>
        <message>
            <source>an earlier consumer did not commit</source>
            <translation>an earlier consumer did not commit</translation>
        </message>
        <message>
            <source>{consumer} lost its partition before commit</source>
            <translation>{consumer} lost its partition before commit</translation>
        </message>
        <message>
            <source>processing (attempt {n})</source>
            <translation>processing (attempt {n})</translation>
        </message>
        <message>
            <source>processing</source>
            <translation>processing</translation>
        </message>
        <message>
            <source>processed</source>
            <translation>processed</translation>
        </message>
        <message>
            <source>processed on attempt {n}</source>
            <translation>processed on attempt {n}</translation>
        </message>
        <message>
            <source>error</source>
            <translation>error</translation>
        </message>
        <message>
            <source>failed ({error})</source>
            <translation>failed ({error})</translation>
        </message>
        <message>
            <source>dead-lettered</source>
            <translation>dead-lettered</translation>
        </message>
    </context>
    <context>
        <name>LogPane</name>
        <message>
            <source>⤓ Jump to latest</source>
            <translation>⤓ Jump to latest</translation>
        </message>
        <message>
            <source>Follow new lines again (Ctrl+End)</source>
            <translation>Follow new lines again (Ctrl+End)</translation>
        </message>
        <message numerus="yes">
            <source>… %Ln line(s) not shown (full log: --log-file)</source>
            <comment>log</comment>
            <translation>
                <numerusform>… %Ln line not shown (full log: --log-file)</numerusform>
                <numerusform>… %Ln lines not shown (full log: --log-file)</numerusform>
            </translation>
        </message>
        <message>
            <source>sent</source>
            <translation>sent</translation>
        </message>
        <message>
            <source>received</source>
            <translation>received</translation>
        </message>
        <message>
            <source> attempt {n}</source>
            <translation> attempt {n}</translation>
        </message>
        <message>
            <source> redelivered</source>
            <translation> redelivered</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Kafka point-to-point — {topic} / {group}</source>
            <translation>Kafka point-to-point — {topic} / {group}</translation>
        </message>
        <message>
            <source>Timeline</source>
            <translation>Timeline</translation>
        </message>
        <message>
            <source>Chart</source>
            <translation>Chart</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Message</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;File</translation>
        </message>
        <message>
            <source>Export history…</source>
            <translation>Export history…</translation>
        </message>
        <message>
            <source>Export traffic log…</source>
            <translation>Export traffic log…</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Quit</translation>
        </message>
        <message>
            <source>&amp;Consumers</source>
            <translation>&amp;Consumers</translation>
        </message>
        <message>
            <source>Add consumer (process)</source>
            <translation>Add consumer (process)</translation>
        </message>
        <message>
            <source>Add thread consumer</source>
            <translation>Add thread consumer</translation>
        </message>
        <message>
            <source>Stop selected</source>
            <translation>Stop selected</translation>
        </message>
        <message>
            <source>Crash selected</source>
            <translation>Crash selected</translation>
        </message>
        <message>
            <source>Add consumer group…</source>
            <translation>Add consumer group…</translation>
        </message>
        <message>
            <source>&amp;Messages</source>
            <translation>&amp;Messages</translation>
        </message>
        <message>
            <source>Send the form's message</source>
            <translation>Send the form's message</translation>
        </message>
        <message>
            <source>Burst / stop the burst</source>
            <translation>Burst / stop the burst</translation>
        </message>
        <message>
            <source>Switch to a new topic…</source>
            <translation>Switch to a new topic…</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Help</translation>
        </message>
        <message>
            <source>About</source>
            <translation>About</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;View</translation>
        </message>
        <message>
            <source>Reset the layout</source>
            <translation>Reset the layout</translation>
        </message>
        <message>
            <source>Switch to a new topic</source>
            <translation>Switch to a new topic</translation>
        </message>
        <message numerus="yes">
            <source>The topic has %Ln partition(s); a topic cannot gain partitions, so the
app creates a new one and every group moves to it. Partitions:</source>
            <comment>partitions</comment>
            <translation>
                <numerusform>The topic has %Ln partition; a topic cannot gain partitions, so the
app creates a new one and every group moves to it. Partitions:</numerusform>
                <numerusform>The topic has %Ln partitions; a topic cannot gain partitions, so the
app creates a new one and every group moves to it. Partitions:</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %Ln delivery(s) to {path}</source>
            <comment>csv</comment>
            <translation>
                <numerusform>Exported %Ln delivery to {path}</numerusform>
                <numerusform>Exported %Ln deliveries to {path}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %Ln message(s) to {path}</source>
            <comment>jsonl</comment>
            <translation>
                <numerusform>Exported %Ln message to {path}</numerusform>
                <numerusform>Exported %Ln messages to {path}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported the traffic log (%Ln byte(s)) to {path}</source>
            <comment>log</comment>
            <translation>
                <numerusform>Exported the traffic log (%Ln byte) to {path}</numerusform>
                <numerusform>Exported the traffic log (%Ln bytes) to {path}</numerusform>
            </translation>
        </message>
        <message>
            <source>Select a consumer first: click its card</source>
            <translation>Select a consumer first: click its card</translation>
        </message>
        <message>
            <source>Log</source>
            <translation>Log</translation>
        </message>
        <message>
            <source>Export history</source>
            <translation>Export history</translation>
        </message>
        <message>
            <source>JSON lines (*.jsonl);;CSV (*.csv)</source>
            <translation>JSON lines (*.jsonl);;CSV (*.csv)</translation>
        </message>
        <message>
            <source>Export traffic log</source>
            <translation>Export traffic log</translation>
        </message>
        <message>
            <source>Export failed: {error}</source>
            <translation>Export failed: {error}</translation>
        </message>
    </context>
    <context>
        <name>MessageModel</name>
        <message>
            <source>Message id</source>
            <translation>Message id</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>Key</translation>
        </message>
        <message>
            <source>Part.</source>
            <translation>Part.</translation>
        </message>
        <message>
            <source>Offset</source>
            <translation>Offset</translation>
        </message>
        <message>
            <source>Consumer</source>
            <translation>Consumer</translation>
        </message>
        <message>
            <source>Latency</source>
            <translation>Latency</translation>
        </message>
        <message>
            <source>Attempts</source>
            <translation>Attempts</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>{id} · from elsewhere</source>
            <translation>{id} · from elsewhere</translation>
        </message>
        <message>
            <source>{status} · ↯ out of key order</source>
            <translation>{status} · ↯ out of key order</translation>
        </message>
    </context>
    <context>
        <name>MessageView</name>
        <message>
            <source>Select a message to see where it went.</source>
            <translation>Select a message to see where it went.</translation>
        </message>
        <message>
            <source>Select a message: its record, every delivery included.</source>
            <translation>Select a message: its record, every delivery included.</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>Messages</translation>
        </message>
        <message>
            <source>Newest first</source>
            <translation>Newest first</translation>
        </message>
        <message>
            <source>Filter: id or key</source>
            <translation>Filter: id or key</translation>
        </message>
        <message>
            <source>↻ redelivered</source>
            <translation>↻ redelivered</translation>
        </message>
        <message>
            <source>Only messages a consumer got again (after a crash)</source>
            <translation>Only messages a consumer got again (after a crash)</translation>
        </message>
        <message>
            <source>dead-lettered</source>
            <translation>dead-lettered</translation>
        </message>
        <message>
            <source>Only messages that went to the dead-letter topic</source>
            <translation>Only messages that went to the dead-letter topic</translation>
        </message>
        <message>
            <source>{shown} of {total}</source>
            <translation>{shown} of {total}</translation>
        </message>
        <message>
            <source>Only the messages one consumer took</source>
            <translation>Only the messages one consumer took</translation>
        </message>
        <message>
            <source>all consumers</source>
            <translation>all consumers</translation>
        </message>
        <message>
            <source>{id}: no longer in the ledger</source>
            <translation>{id}: no longer in the ledger</translation>
        </message>
    </context>
    <context>
        <name>PartitionMap</name>
        <message>
            <source>rebalances: {n}</source>
            <translation>rebalances: {n}</translation>
        </message>
        <message>
            <source>unowned</source>
            <translation>unowned</translation>
        </message>
        <message>
            <source>lag {n}</source>
            <translation>lag {n}</translation>
        </message>
    </context>
    <context>
        <name>QAbstractFileIconProvider</name>
        <message>
            <source>Folder</source>
            <comment>All other platforms</comment>
            <translation>Folder</translation>
        </message>
    </context>
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>&amp;Look in:</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>Files of &amp;type:</translation>
        </message>
    </context>
    <context>
        <name>RateChart</name>
        <message>
            <source>Processed msg/s per consumer (stacked) · line: total lag</source>
            <translation>Processed msg/s per consumer (stacked) · line: total lag</translation>
        </message>
        <message>
            <source>msg/s</source>
            <translation>msg/s</translation>
        </message>
        <message>
            <source>lag</source>
            <translation>lag</translation>
        </message>
    </context>
    <context>
        <name>SendPanel</name>
        <message>
            <source>Invalid JSON: {error} (line {line}, column {column})</source>
            <translation>Invalid JSON: {error} (line {line}, column {column})</translation>
        </message>
        <message>
            <source>The body must be a JSON object, like the spec's {"id": 1, ...}</source>
            <translation>The body must be a JSON object, like the spec's {"id": 1, ...}</translation>
        </message>
        <message>
            <source>Send a message</source>
            <translation>Send a message</translation>
        </message>
        <message>
            <source>optional: same key → same partition</source>
            <translation>optional: same key → same partition</translation>
        </message>
        <message>
            <source>Nothing sent yet.</source>
            <translation>Nothing sent yet.</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>Key</translation>
        </message>
        <message>
            <source>Point-to-point: every message is processed by exactly one consumer of the group. Kafka hands each partition to one member; messages with the same key land on the same partition, so the same consumer. Crash a consumer and its partitions wait for the session timeout before a survivor takes them over.</source>
            <translation>Point-to-point: every message is processed by exactly one consumer of the group. Kafka hands each partition to one member; messages with the same key land on the same partition, so the same consumer. Crash a consumer and its partitions wait for the session timeout before a survivor takes them over.</translation>
        </message>
        <message>
            <source>send </source>
            <translation>send </translation>
        </message>
        <message>
            <source>Messages in a burst</source>
            <translation>Messages in a burst</translation>
        </message>
        <message>
            <source>max rate</source>
            <translation>max rate</translation>
        </message>
        <message>
            <source>Messages per second (0: as fast as possible)</source>
            <translation>Messages per second (0: as fast as possible)</translation>
        </message>
        <message>
            <source>Burst</source>
            <translation>Burst</translation>
        </message>
        <message>
            <source>Not sent: {error}</source>
            <translation>Not sent: {error}</translation>
        </message>
        <message>
            <source>Sent &lt;b&gt;{id}&lt;/b&gt; → partition &lt;b&gt;{partition}&lt;/b&gt;, offset &lt;b&gt;{offset}&lt;/b&gt;</source>
            <translation>Sent &lt;b&gt;{id}&lt;/b&gt; → partition &lt;b&gt;{partition}&lt;/b&gt;, offset &lt;b&gt;{offset}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Stop burst</source>
            <translation>Stop burst</translation>
        </message>
        <message>
            <source>Send  ({keys})</source>
            <translation>Send  ({keys})</translation>
        </message>
        <message>
            <source>Burst stopped after {n}: {error}</source>
            <translation>Burst stopped after {n}: {error}</translation>
        </message>
        <message>
            <source>Burst: {n} of {total} sent</source>
            <translation>Burst: {n} of {total} sent</translation>
        </message>
        <message>
            <source>Burst: {n} of {total}</source>
            <translation>Burst: {n} of {total}</translation>
        </message>
    </context>
    <context>
        <name>State</name>
        <message>
            <source>starting</source>
            <translation>starting</translation>
        </message>
        <message>
            <source>active</source>
            <translation>active</translation>
        </message>
        <message>
            <source>idle</source>
            <translation>idle</translation>
        </message>
        <message>
            <source>stopping</source>
            <translation>stopping</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>stopped</translation>
        </message>
        <message>
            <source>crashed</source>
            <translation>crashed</translation>
        </message>
        <message>
            <source>sent</source>
            <translation>sent</translation>
        </message>
        <message>
            <source>processing</source>
            <translation>processing</translation>
        </message>
        <message>
            <source>processed</source>
            <translation>processed</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>failed</translation>
        </message>
        <message>
            <source>dead-lettered</source>
            <translation>dead-lettered</translation>
        </message>
        <message>
            <source>consumed outside</source>
            <translation>consumed outside</translation>
        </message>
        <message>
            <source>Stable</source>
            <translation>Stable</translation>
        </message>
        <message>
            <source>Rebalancing</source>
            <translation>Rebalancing</translation>
        </message>
        <message>
            <source>Empty</source>
            <translation>Empty</translation>
        </message>
        <message>
            <source>Owners unknown</source>
            <translation>Owners unknown</translation>
        </message>
    </context>
    <context>
        <name>StatusBar</name>
        <message>
            <source>embedded Apache Kafka</source>
            <translation>embedded Apache Kafka</translation>
        </message>
        <message>
            <source>embedded tansu</source>
            <translation>embedded tansu</translation>
        </message>
        <message>
            <source>external Kafka</source>
            <translation>external Kafka</translation>
        </message>
        <message>
            <source>&lt;b&gt;Broker&lt;/b&gt; {kind} {address}</source>
            <translation>&lt;b&gt;Broker&lt;/b&gt; {kind} {address}</translation>
        </message>
        <message>
            <source>Click to copy the command that starts a consumer in another terminal or on another machine; it carries the key this window signs its commands with, so the window can stop, crash and slow that consumer</source>
            <translation>Click to copy the command that starts a consumer in another terminal or on another machine; it carries the key this window signs its commands with, so the window can stop, crash and slow that consumer</translation>
        </message>
        <message>
            <source>Click to copy a curl command that sends a message</source>
            <translation>Click to copy a curl command that sends a message</translation>
        </message>
        <message>
            <source>&lt;b&gt;API&lt;/b&gt; off</source>
            <translation>&lt;b&gt;API&lt;/b&gt; off</translation>
        </message>
        <message>
            <source>&lt;b&gt;Topic&lt;/b&gt; {topic}  &lt;b&gt;Group&lt;/b&gt; {group}</source>
            <translation>&lt;b&gt;Topic&lt;/b&gt; {topic}  &lt;b&gt;Group&lt;/b&gt; {group}</translation>
        </message>
        <message>
            <source>curl command copied to the clipboard</source>
            <translation>curl command copied to the clipboard</translation>
        </message>
        <message>
            <source>consumer command copied to the clipboard</source>
            <translation>consumer command copied to the clipboard</translation>
        </message>
        <message>
            <source>&lt;b&gt;API down&lt;/b&gt; {reason}</source>
            <translation>&lt;b&gt;API down&lt;/b&gt; {reason}</translation>
        </message>
        <message>
            <source>sent &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>sent &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>written unacknowledged &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>written unacknowledged &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>from elsewhere &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>from elsewhere &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>processed &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>processed &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>consumed outside &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>consumed outside &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>redelivered &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>redelivered &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>dead-lettered &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>dead-lettered &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>lag &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>lag &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>⚠ Broker open to the network</source>
            <translation>⚠ Broker open to the network</translation>
        </message>
        <message>
            <source>The embedded broker listens on {listen}, beyond this machine. Anyone on the network can read every message, write to any topic, and join the group to take partitions: the broker has no authentication. Commands to consumers are signed, so nobody else can stop, crash or slow them.
To protect it: use it only on a network you trust, or restart without --broker-host to keep the broker on this machine.</source>
            <translation>The embedded broker listens on {listen}, beyond this machine. Anyone on the network can read every message, write to any topic, and join the group to take partitions: the broker has no authentication. Commands to consumers are signed, so nobody else can stop, crash or slow them.
To protect it: use it only on a network you trust, or restart without --broker-host to keep the broker on this machine.</translation>
        </message>
    </context>
    <context>
        <name>Timeline</name>
        <message>
            <source>now</source>
            <translation>now</translation>
        </message>
        <message>
            <source>▲ join  ✕ crash  ■ stop  ⇄ moved</source>
            <translation>▲ join  ✕ crash  ■ stop  ⇄ moved</translation>
        </message>
        <message numerus="yes">
            <source>⇄ %Ln moved</source>
            <comment>partitions</comment>
            <translation>
                <numerusform>⇄ %Ln moved</numerusform>
                <numerusform>⇄ %Ln moved</numerusform>
            </translation>
        </message>
        <message>
            <source>▲ join   ✕ crash   ■ stop   ⇄ partitions that changed owner   shaded: group rebalancing   gap: partitions unowned</source>
            <translation>▲ join   ✕ crash   ■ stop   ⇄ partitions that changed owner   shaded: group rebalancing   gap: partitions unowned</translation>
        </message>
    </context>
</TS>
