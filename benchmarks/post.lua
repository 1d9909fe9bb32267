-- wrk script: POST the spec's JSON body to /enviar (the path is given in the URL).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id": 1, "contenido": "Hola desde Kafka"}'
