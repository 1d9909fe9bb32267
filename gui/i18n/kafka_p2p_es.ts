<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
    <context>
        <name>About</name>
        <message>
            <source>embedded</source>
            <translation>embebido</translation>
        </message>
        <message>
            <source>cluster id {id}</source>
            <translation>id de clúster {id}</translation>
        </message>
        <message>
            <source>no CreatePartitions API</source>
            <translation>sin la API CreatePartitions</translation>
        </message>
        <message>
            <source>has the CreatePartitions API</source>
            <translation>con la API CreatePartitions</translation>
        </message>
        <message>
            <source>profile {name} ({how})</source>
            <translation>perfil {name} ({how})</translation>
        </message>
        <message>
            <source>embedded {version} at {address}</source>
            <translation>embebido {version} en {address}</translation>
        </message>
        <message>
            <source>external Kafka at {address}</source>
            <translation>Kafka externo en {address}</translation>
        </message>
        <message>
            <source>App</source>
            <translation>Aplicación</translation>
        </message>
        <message>
            <source>Broker</source>
            <translation>Broker</translation>
        </message>
        <message>
            <source>About the Kafka point-to-point demo</source>
            <translation>Acerca de la demo punto a punto de Kafka</translation>
        </message>
        <message>
            <source>&lt;b&gt;Kafka point-to-point demo&lt;/b&gt;&lt;br&gt;One message, one consumer of the group.</source>
            <translation>&lt;b&gt;Demo punto a punto de Kafka&lt;/b&gt;&lt;br&gt;Un mensaje, un consumidor del grupo.</translation>
        </message>
    </context>
    <context>
        <name>ConsumerCard</name>
        <message>
            <source>Remove this card</source>
            <translation>Quitar esta tarjeta</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Detener</translation>
        </message>
        <message>
            <source>Graceful: finish, commit, leave the group</source>
            <translation>Ordenado: termina, confirma (commit) y sale del grupo</translation>
        </message>
        <message>
            <source>Crash</source>
            <translation>Tumbar</translation>
        </message>
        <message>
            <source>Vanish: no commit, no LeaveGroup; the broker waits</source>
            <translation>Desaparece: sin commit ni LeaveGroup; el broker espera</translation>
        </message>
        <message>
            <source>Simulated processing time per message</source>
            <translation>Tiempo de procesamiento simulado por mensaje</translation>
        </message>
        <message>
            <source>no partitions</source>
            <translation>sin particiones</translation>
        </message>
        <message>
            <source>processed &lt;b&gt;{n}&lt;/b&gt; · {rate} msg/s</source>
            <translation>procesados &lt;b&gt;{n}&lt;/b&gt; · {rate} msg/s</translation>
        </message>
        <message>
            <source>▸ working on &lt;b&gt;{id}&lt;/b&gt;</source>
            <translation>▸ procesando &lt;b&gt;{id}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>An OS process the app started: Crash sends it SIGKILL</source>
            <translation>Un proceso del sistema lanzado por la app: Tumbar le envía SIGKILL</translation>
        </message>
        <message>
            <source>Started by hand (python -m messaging.consumer), here or on another machine</source>
            <translation>Lanzado a mano (python -m messaging.consumer), aquí o en otra máquina</translation>
        </message>
        <message>
            <source>A group member that reports nothing (like the spec's consumer.py)</source>
            <translation>Un miembro del grupo que no informa de nada (como el consumer.py del enunciado)</translation>
        </message>
        <message>
            <source>process · pid {pid}</source>
            <translation>proceso · pid {pid}</translation>
        </message>
        <message>
            <source>remote · {host} · pid {pid}</source>
            <translation>remoto · {host} · pid {pid}</translation>
        </message>
        <message>
            <source>outside member · reports nothing</source>
            <translation>miembro externo · no informa</translation>
        </message>
        <message>
            <source>thread of the app</source>
            <translation>hilo de la app</translation>
        </message>
        <message>
            <source>partitions as the group's leader assigned them</source>
            <translation>particiones tal como las asignó el líder del grupo</translation>
        </message>
        <message>
            <source>partitions as the broker describes them</source>
            <translation>particiones tal como las describe el broker</translation>
        </message>
        <message>
            <source>partitions inferred: a guess, nobody told (none of the app's consumers leads)</source>
            <translation>particiones deducidas: una suposición, nadie las comunicó (ningún consumidor de la app es el líder)</translation>
        </message>
        <message>
            <source>client id {id}</source>
            <translation>id de cliente {id}</translation>
        </message>
        <message>
            <source>broker notices in {left} s (session timeout)</source>
            <translation>el broker lo detecta en {left} s (timeout de sesión)</translation>
        </message>
        <message>
            <source>session expired {ago} s ago · partitions moved on</source>
            <translation>sesión expirada hace {ago} s · particiones reasignadas</translation>
        </message>
        <message>
            <source>redelivered</source>
            <translation>reentregado</translation>
        </message>
        <message>
            <source>try {n}</source>
            <translation>intento {n}</translation>
        </message>
        <message>
            <source>nothing processed yet</source>
            <translation>nada procesado aún</translation>
        </message>
    </context>
    <context>
        <name>ConsumerGrid</name>
        <message>
            <source>Consumer group</source>
            <translation>Grupo de consumidores</translation>
        </message>
        <message>
            <source>process</source>
            <translation>proceso</translation>
        </message>
        <message>
            <source>thread</source>
            <translation>hilo</translation>
        </message>
        <message>
            <source>＋ Add consumer ({kind})</source>
            <translation>＋ Añadir consumidor ({kind})</translation>
        </message>
        <message>
            <source>Process — its own OS process; Crash = SIGKILL</source>
            <translation>Proceso — un proceso propio del sistema; Tumbar = SIGKILL</translation>
        </message>
        <message>
            <source>Thread — inside the app; Crash is simulated</source>
            <translation>Hilo — dentro de la app; Tumbar es simulado</translation>
        </message>
        <message numerus="yes">
            <source>%Ln live</source>
            <comment>consumers</comment>
            <translation>
                <numerusform>%Ln vivo</numerusform>
                <numerusform>%Ln vivos</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln shown</source>
            <comment>cards</comment>
            <translation>
                <numerusform>%Ln mostrado</numerusform>
                <numerusform>%Ln mostrados</numerusform>
            </translation>
        </message>
        <message>
            <source>idle: no partition is left for it</source>
            <translation>inactivo: no queda ninguna partición para él</translation>
        </message>
    </context>
    <context>
        <name>Core</name>
        <message>
            <source>failed while running</source>
            <translation>falló mientras trabajaba</translation>
        </message>
        <message>
            <source>bad arguments</source>
            <translation>argumentos no válidos</translation>
        </message>
        <message>
            <source>could not start</source>
            <translation>no pudo arrancar</translation>
        </message>
        <message>
            <source>unexpected</source>
            <translation>inesperado</translation>
        </message>
        <message>
            <source>redelivered, because its partition was handed over with uncommitted work</source>
            <translation>reentregado, porque su partición cambió de dueño con trabajo sin confirmar</translation>
        </message>
        <message>
            <source>its partition was read again from an older offset</source>
            <translation>su partición se volvió a leer desde un offset anterior</translation>
        </message>
        <message>
            <source>processed after a later message of key {key} (offset {offset})</source>
            <translation>procesado después de un mensaje posterior de la clave {key} (offset {offset})</translation>
        </message>
        <message>
            <source>the broker tells clients to connect to {host}, which is this machine's loopback: a consumer on another machine cannot join with it; pass --advertised-host with an address the other machines reach</source>
            <translation>el broker dice a los clientes que se conecten a {host}, que es el loopback de esta máquina: un consumidor en otra máquina no puede unirse así; pasa --advertised-host con una dirección a la que lleguen las otras máquinas</translation>
        </message>
        <message>
            <source>gone: generation {generation} of the group left it out</source>
            <translation>se fue: la generación {generation} del grupo lo dejó fuera</translation>
        </message>
        <message>
            <source>gone: the broker no longer lists it in the group</source>
            <translation>se fue: el broker ya no lo lista en el grupo</translation>
        </message>
        <message>
            <source>topic {topic} already exists with {partitions} partitions (asked for {asked})</source>
            <translation>el tópico {topic} ya existe con {partitions} particiones (se pidieron {asked})</translation>
        </message>
        <message>
            <source>topic {topic} came back with {partitions} partitions, not {before}: a client asked for it before the app could recreate it</source>
            <translation>el tópico {topic} volvió con {partitions} particiones, no {before}: un cliente lo pidió antes de que la app pudiera recrearlo</translation>
        </message>
        <message>
            <source>broker {address} unreachable since {at}</source>
            <translation>broker {address} inaccesible desde las {at}</translation>
        </message>
        <message>
            <source>embedded broker died (exit code {code}) at {at}</source>
            <translation>el broker integrado murió (código de salida {code}) a las {at}</translation>
        </message>
        <message>
            <source>broker {address} back at {at} after {seconds} s</source>
            <translation>broker {address} de vuelta a las {at} tras {seconds} s</translation>
        </message>
        <message>
            <source>killed (SIGKILL)</source>
            <translation>matado (SIGKILL)</translation>
        </message>
        <message>
            <source>killed by {signal}</source>
            <translation>matado por {signal}</translation>
        </message>
        <message>
            <source>exited after a graceful stop</source>
            <translation>terminó tras una parada ordenada</translation>
        </message>
        <message>
            <source>exited with code {code} ({meaning})</source>
            <translation>terminó con código {code} ({meaning})</translation>
        </message>
        <message>
            <source>left the group</source>
            <translation>salió del grupo</translation>
        </message>
        <message>
            <source>silent for {seconds} s</source>
            <translation>sin noticias desde hace {seconds} s</translation>
        </message>
        <message>
            <source>crash simulated (a thread cannot be killed)</source>
            <translation>caída simulada (un hilo no se puede matar)</translation>
        </message>
        <message>
            <source>topic {topic} has {partitions} partitions but {consumers} consumers: {idle} of them will sit idle (one partition feeds at most one consumer of a group)</source>
            <translation>el tópico {topic} tiene {partitions} particiones pero {consumers} consumidores: {idle} de ellos quedarán ociosos (una partición alimenta como mucho a un consumidor de un grupo)</translation>
        </message>
    </context>
    <context>
        <name>GroupPanel</name>
        <message>
            <source>Its consumers</source>
            <translation>Sus consumidores</translation>
        </message>
        <message>
            <source>Group &lt;b&gt;{group}&lt;/b&gt; · {assignor} · &lt;span style='color:#8C93A5'&gt;gets every message too&lt;/span&gt;</source>
            <translation>Grupo &lt;b&gt;{group}&lt;/b&gt; · {assignor} · &lt;span style='color:#8C93A5'&gt;también recibe todos los mensajes&lt;/span&gt;</translation>
        </message>
        <message>
            <source>Add consumer group</source>
            <translation>Añadir grupo de consumidores</translation>
        </message>
        <message>
            <source>Another group on the same topic gets every message too (publish-subscribe).
Group name:</source>
            <translation>Otro grupo sobre el mismo tópico también recibe todos los mensajes (publicación-suscripción).
Nombre del grupo:</translation>
        </message>
        <message>
            <source>Assignment strategy:</source>
            <translation>Estrategia de asignación:</translation>
        </message>
    </context>
    <context>
        <name>History</name>
        <message>
            <source>{consumer} crashed before commit</source>
            <translation>{consumer} cayó antes del commit</translation>
        </message>
        <message>
            <source>{consumer} stopped before commit</source>
            <translation>{consumer} se detuvo antes del commit</translation>
        </message>
        <message>
            <source>sent</source>
            <translation>enviado</translation>
        </message>
        <message>
            <source>group</source>
            <translation>grupo</translation>
        </message>
        <message>
            <source>redelivered to {consumer}</source>
            <translation>reentregado a {consumer}</translation>
        </message>
        <message>
            <source>an earlier consumer did not commit</source>
            <translation>un consumidor anterior no hizo commit</translation>
        </message>
        <message>
            <source>{consumer} lost its partition before commit</source>
            <translation>{consumer} perdió su partición antes del commit</translation>
        </message>
        <message>
            <source>processing (attempt {n})</source>
            <translation>procesando (intento {n})</translation>
        </message>
        <message>
            <source>processing</source>
            <translation>procesando</translation>
        </message>
        <message>
            <source>processed</source>
            <translation>procesado</translation>
        </message>
        <message>
            <source>processed on attempt {n}</source>
            <translation>procesado en el intento {n}</translation>
        </message>
        <message>
            <source>error</source>
            <translation>error</translation>
        </message>
        <message>
            <source>failed ({error})</source>
            <translation>falló ({error})</translation>
        </message>
        <message>
            <source>dead-lettered</source>
            <translation>enviado a la DLT</translation>
        </message>
    </context>
    <context>
        <name>LogPane</name>
        <message>
            <source>⤓ Jump to latest</source>
            <translation>⤓ Ir a lo último</translation>
        </message>
        <message>
            <source>Follow new lines again (Ctrl+End)</source>
            <translation>Volver a seguir las líneas nuevas (Ctrl+Fin)</translation>
        </message>
        <message numerus="yes">
            <source>… %Ln line(s) not shown (full log: --log-file)</source>
            <comment>log</comment>
            <translation>
                <numerusform>… %Ln línea no mostrada (log completo: --log-file)</numerusform>
                <numerusform>… %Ln líneas no mostradas (log completo: --log-file)</numerusform>
            </translation>
        </message>
        <message>
            <source>sent</source>
            <translation>enviado</translation>
        </message>
        <message>
            <source>received</source>
            <translation>recibido</translation>
        </message>
        <message>
            <source> attempt {n}</source>
            <translation> intento {n}</translation>
        </message>
        <message>
            <source> redelivered</source>
            <translation> reentregado</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Kafka point-to-point — {topic} / {group}</source>
            <translation>Kafka punto a punto — {topic} / {group}</translation>
        </message>
        <message>
            <source>Timeline</source>
            <translation>Cronología</translation>
        </message>
        <message>
            <source>Chart</source>
            <translation>Gráfica</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Mensaje</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Archivo</translation>
        </message>
        <message>
            <source>Export history…</source>
            <translation>Exportar historial…</translation>
        </message>
        <message>
            <source>Export traffic log…</source>
            <translation>Exportar log de tráfico…</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Salir</translation>
        </message>
        <message>
            <source>&amp;Consumers</source>
            <translation>&amp;Consumidores</translation>
        </message>
        <message>
            <source>Add consumer (process)</source>
            <translation>Añadir consumidor (proceso)</translation>
        </message>
        <message>
            <source>Add thread consumer</source>
            <translation>Añadir consumidor en un hilo</translation>
        </message>
        <message>
            <source>Stop selected</source>
            <translation>Detener el seleccionado</translation>
        </message>
        <message>
            <source>Crash selected</source>
            <translation>Tumbar el seleccionado</translation>
        </message>
        <message>
            <source>Add consumer group…</source>
            <translation>Añadir grupo de consumidores…</translation>
        </message>
        <message>
            <source>&amp;Messages</source>
            <translation>&amp;Mensajes</translation>
        </message>
        <message>
            <source>Send the form's message</source>
            <translation>Enviar el mensaje del formulario</translation>
        </message>
        <message>
            <source>Burst / stop the burst</source>
            <translation>Ráfaga / detener la ráfaga</translation>
        </message>
        <message>
            <source>Switch to a new topic…</source>
            <translation>Cambiar a un tópico nuevo…</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>A&amp;yuda</translation>
        </message>
        <message>
            <source>About</source>
            <translation>Acerca de</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Ver</translation>
        </message>
        <message>
            <source>Reset the layout</source>
            <translation>Restablecer la disposición</translation>
        </message>
        <message>
            <source>Switch to a new topic</source>
            <translation>Cambiar a un tópico nuevo</translation>
        </message>
        <message numerus="yes">
            <source>The topic has %Ln partition(s); a topic cannot gain partitions, so the
app creates a new one and every group moves to it. Partitions:</source>
            <comment>partitions</comment>
            <translation>
                <numerusform>El tópico tiene %Ln partición; un tópico no puede ganar particiones, así que la
app crea uno nuevo y todos los grupos pasan a él. Particiones:</numerusform>
                <numerusform>El tópico tiene %Ln particiones; un tópico no puede ganar particiones, así que la
app crea uno nuevo y todos los grupos pasan a él. Particiones:</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %Ln delivery(s) to {path}</source>
            <comment>csv</comment>
            <translation>
                <numerusform>Exportada %Ln entrega a {path}</numerusform>
                <numerusform>Exportadas %Ln entregas a {path}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %Ln message(s) to {path}</source>
            <comment>jsonl</comment>
            <translation>
                <numerusform>Exportado %Ln mensaje a {path}</numerusform>
                <numerusform>Exportados %Ln mensajes a {path}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported the traffic log (%Ln byte(s)) to {path}</source>
            <comment>log</comment>
            <translation>
                <numerusform>Log de tráfico exportado (%Ln byte) a {path}</numerusform>
                <numerusform>Log de tráfico exportado (%Ln bytes) a {path}</numerusform>
            </translation>
        </message>
        <message>
            <source>Select a consumer first: click its card</source>
            <translation>Primero selecciona un consumidor: haz clic en su tarjeta</translation>
        </message>
        <message>
            <source>Log</source>
            <translation>Log</translation>
        </message>
        <message>
            <source>Export history</source>
            <translation>Exportar historial</translation>
        </message>
        <message>
            <source>JSON lines (*.jsonl);;CSV (*.csv)</source>
            <translation>Líneas JSON (*.jsonl);;CSV (*.csv)</translation>
        </message>
        <message>
            <source>Export traffic log</source>
            <translation>Exportar log de tráfico</translation>
        </message>
        <message>
            <source>Export failed: {error}</source>
            <translation>Falló la exportación: {error}</translation>
        </message>
    </context>
    <context>
        <name>MessageModel</name>
        <message>
            <source>Message id</source>
            <translation>Mensaje</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>Clave</translation>
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
            <translation>Consumidor</translation>
        </message>
        <message>
            <source>Latency</source>
            <translation>Latencia</translation>
        </message>
        <message>
            <source>Attempts</source>
            <translation>Intentos</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Estado</translation>
        </message>
        <message>
            <source>{id} · from elsewhere</source>
            <translation>{id} · de otro productor</translation>
        </message>
        <message>
            <source>{status} · ↯ out of key order</source>
            <translation>{status} · ↯ fuera de orden de clave</translation>
        </message>
    </context>
    <context>
        <name>MessageView</name>
        <message>
            <source>Select a message to see where it went.</source>
            <translation>Selecciona un mensaje para ver adónde fue.</translation>
        </message>
        <message>
            <source>Select a message: its record, every delivery included.</source>
            <translation>Selecciona un mensaje: su registro, con todas sus entregas.</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>Mensajes</translation>
        </message>
        <message>
            <source>Newest first</source>
            <translation>Los más recientes primero</translation>
        </message>
        <message>
            <source>Filter: id or key</source>
            <translation>Filtrar: id o clave</translation>
        </message>
        <message>
            <source>↻ redelivered</source>
            <translation>↻ reentregados</translation>
        </message>
        <message>
            <source>Only messages a consumer got again (after a crash)</source>
            <translation>Solo los mensajes que un consumidor recibió otra vez (tras una caída)</translation>
        </message>
        <message>
            <source>dead-lettered</source>
            <translation>a la DLT</translation>
        </message>
        <message>
            <source>Only messages that went to the dead-letter topic</source>
            <translation>Solo los mensajes que acabaron en el tópico de mensajes muertos (DLT)</translation>
        </message>
        <message>
            <source>{shown} of {total}</source>
            <translation>{shown} de {total}</translation>
        </message>
        <message>
            <source>Only the messages one consumer took</source>
            <translation>Solo los mensajes que tomó un consumidor</translation>
        </message>
        <message>
            <source>all consumers</source>
            <translation>todos los consumidores</translation>
        </message>
        <message>
            <source>{id}: no longer in the ledger</source>
            <translation>{id}: ya no está en el registro</translation>
        </message>
    </context>
    <context>
        <name>PartitionMap</name>
        <message>
            <source>rebalances: {n}</source>
            <translation>reequilibrios: {n}</translation>
        </message>
        <message>
            <source>unowned</source>
            <translation>sin dueño</translation>
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
            <translation>Carpeta</translation>
        </message>
    </context>
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>&amp;Ver en:</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>Ficheros de &amp;tipo:</translation>
        </message>
    </context>
    <context>
        <name>RateChart</name>
        <message>
            <source>Processed msg/s per consumer (stacked) · line: total lag</source>
            <translation>Msg/s procesados por consumidor (apilados) · línea: lag total</translation>
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
            <translation>JSON no válido: {error} (línea {line}, columna {column})</translation>
        </message>
        <message>
            <source>The body must be a JSON object, like the spec's {"id": 1, ...}</source>
            <translation>El cuerpo debe ser un objeto JSON, como el {"id": 1, ...} del enunciado</translation>
        </message>
        <message>
            <source>Send a message</source>
            <translation>Enviar un mensaje</translation>
        </message>
        <message>
            <source>optional: same key → same partition</source>
            <translation>opcional: misma clave → misma partición</translation>
        </message>
        <message>
            <source>Nothing sent yet.</source>
            <translation>Nada enviado todavía.</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>Clave</translation>
        </message>
        <message>
            <source>Point-to-point: every message is processed by exactly one consumer of the group. Kafka hands each partition to one member; messages with the same key land on the same partition, so the same consumer. Crash a consumer and its partitions wait for the session timeout before a survivor takes them over.</source>
            <translation>Punto a punto: cada mensaje lo procesa exactamente un consumidor del grupo. Kafka asigna cada partición a un miembro; los mensajes con la misma clave caen en la misma partición y, por tanto, en el mismo consumidor. Si tumbas un consumidor, sus particiones esperan al timeout de sesión antes de que un superviviente las tome.</translation>
        </message>
        <message>
            <source>send </source>
            <translation>enviar </translation>
        </message>
        <message>
            <source>Messages in a burst</source>
            <translation>Mensajes de la ráfaga</translation>
        </message>
        <message>
            <source>max rate</source>
            <translation>sin límite</translation>
        </message>
        <message>
            <source>Messages per second (0: as fast as possible)</source>
            <translation>Mensajes por segundo (0: tan rápido como se pueda)</translation>
        </message>
        <message>
            <source>Burst</source>
            <translation>Ráfaga</translation>
        </message>
        <message>
            <source>Not sent: {error}</source>
            <translation>No enviado: {error}</translation>
        </message>
        <message>
            <source>Sent &lt;b&gt;{id}&lt;/b&gt; → partition &lt;b&gt;{partition}&lt;/b&gt;, offset &lt;b&gt;{offset}&lt;/b&gt;</source>
            <translation>Enviado &lt;b&gt;{id}&lt;/b&gt; → partición &lt;b&gt;{partition}&lt;/b&gt;, offset &lt;b&gt;{offset}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Stop burst</source>
            <translation>Parar ráfaga</translation>
        </message>
        <message>
            <source>Send  ({keys})</source>
            <translation>Enviar  ({keys})</translation>
        </message>
        <message>
            <source>Burst stopped after {n}: {error}</source>
            <translation>Ráfaga detenida tras {n}: {error}</translation>
        </message>
        <message>
            <source>Burst: {n} of {total} sent</source>
            <translation>Ráfaga: {n} de {total} enviados</translation>
        </message>
        <message>
            <source>Burst: {n} of {total}</source>
            <translation>Ráfaga: {n} de {total}</translation>
        </message>
    </context>
    <context>
        <name>State</name>
        <message>
            <source>starting</source>
            <translation>iniciando</translation>
        </message>
        <message>
            <source>active</source>
            <translation>activo</translation>
        </message>
        <message>
            <source>idle</source>
            <translation>inactivo</translation>
        </message>
        <message>
            <source>stopping</source>
            <translation>deteniéndose</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>detenido</translation>
        </message>
        <message>
            <source>crashed</source>
            <translation>caído</translation>
        </message>
        <message>
            <source>sent</source>
            <translation>enviado</translation>
        </message>
        <message>
            <source>processing</source>
            <translation>procesando</translation>
        </message>
        <message>
            <source>processed</source>
            <translation>procesado</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fallido</translation>
        </message>
        <message>
            <source>dead-lettered</source>
            <translation>en la DLT</translation>
        </message>
        <message>
            <source>consumed outside</source>
            <translation>consumido fuera</translation>
        </message>
        <message>
            <source>Stable</source>
            <translation>Estable</translation>
        </message>
        <message>
            <source>Rebalancing</source>
            <translation>Reequilibrando</translation>
        </message>
        <message>
            <source>Empty</source>
            <translation>Vacío</translation>
        </message>
        <message>
            <source>Owners unknown</source>
            <translation>Dueños desconocidos</translation>
        </message>
    </context>
    <context>
        <name>StatusBar</name>
        <message>
            <source>embedded Apache Kafka</source>
            <translation>Apache Kafka embebido</translation>
        </message>
        <message>
            <source>embedded tansu</source>
            <translation>tansu embebido</translation>
        </message>
        <message>
            <source>external Kafka</source>
            <translation>Kafka externo</translation>
        </message>
        <message>
            <source>&lt;b&gt;Broker&lt;/b&gt; {kind} {address}</source>
            <translation>&lt;b&gt;Broker&lt;/b&gt; {kind} {address}</translation>
        </message>
        <message>
            <source>Click to copy the command that starts a consumer in another terminal or on another machine; it carries the key this window signs its commands with, so the window can stop, crash and slow that consumer</source>
            <translation>Haz clic para copiar el comando que arranca un consumidor en otra terminal o en otra máquina; lleva la clave con la que esta ventana firma sus órdenes, para que la ventana pueda detener, tumbar y ralentizar ese consumidor</translation>
        </message>
        <message>
            <source>Click to copy a curl command that sends a message</source>
            <translation>Haz clic para copiar un comando curl que envía un mensaje</translation>
        </message>
        <message>
            <source>&lt;b&gt;API&lt;/b&gt; off</source>
            <translation>&lt;b&gt;API&lt;/b&gt; apagada</translation>
        </message>
        <message>
            <source>&lt;b&gt;Topic&lt;/b&gt; {topic}  &lt;b&gt;Group&lt;/b&gt; {group}</source>
            <translation>&lt;b&gt;Tópico&lt;/b&gt; {topic}  &lt;b&gt;Grupo&lt;/b&gt; {group}</translation>
        </message>
        <message>
            <source>curl command copied to the clipboard</source>
            <translation>comando curl copiado al portapapeles</translation>
        </message>
        <message>
            <source>consumer command copied to the clipboard</source>
            <translation>comando del consumidor copiado al portapapeles</translation>
        </message>
        <message>
            <source>&lt;b&gt;API down&lt;/b&gt; {reason}</source>
            <translation>&lt;b&gt;API caída&lt;/b&gt; {reason}</translation>
        </message>
        <message>
            <source>sent &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>enviados &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>written unacknowledged &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>escritos sin confirmar &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>from elsewhere &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>de otros productores &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>processed &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>procesados &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>consumed outside &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>consumidos fuera &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>redelivered &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>reentregados &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>dead-lettered &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>a la DLT &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>lag &lt;b&gt;{}&lt;/b&gt;</source>
            <translation>lag &lt;b&gt;{}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>⚠ Broker open to the network</source>
            <translation>⚠ Broker abierto a la red</translation>
        </message>
        <message>
            <source>The embedded broker listens on {listen}, beyond this machine. Anyone on the network can read every message, write to any topic, and join the group to take partitions: the broker has no authentication. Commands to consumers are signed, so nobody else can stop, crash or slow them.
To protect it: use it only on a network you trust, or restart without --broker-host to keep the broker on this machine.</source>
            <translation>El broker integrado escucha en {listen}, más allá de esta máquina. Cualquiera en la red puede leer todos los mensajes, escribir en cualquier topic y unirse al grupo para quedarse con particiones: el broker no tiene autenticación. Las órdenes a los consumidores van firmadas, así que nadie más puede detenerlos, tumbarlos ni ralentizarlos.
Para protegerlo: úsalo solo en una red de confianza, o reinicia sin --broker-host para que el broker quede en esta máquina.</translation>
        </message>
    </context>
    <context>
        <name>Timeline</name>
        <message>
            <source>now</source>
            <translation>ahora</translation>
        </message>
        <message>
            <source>▲ join  ✕ crash  ■ stop  ⇄ moved</source>
            <translation>▲ entra  ✕ cae  ■ se detiene  ⇄ movidas</translation>
        </message>
        <message numerus="yes">
            <source>⇄ %Ln moved</source>
            <comment>partitions</comment>
            <translation>
                <numerusform>⇄ %Ln movida</numerusform>
                <numerusform>⇄ %Ln movidas</numerusform>
            </translation>
        </message>
        <message>
            <source>▲ join   ✕ crash   ■ stop   ⇄ partitions that changed owner   shaded: group rebalancing   gap: partitions unowned</source>
            <translation>▲ entra   ✕ cae   ■ se detiene   ⇄ particiones que cambiaron de dueño   sombreado: grupo reequilibrando   hueco: particiones sin dueño</translation>
        </message>
    </context>
</TS>
