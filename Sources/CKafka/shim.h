#ifndef CKAFKA_SHIM_H
#define CKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* rd_kafka_producev is variadic, which Swift cannot call: one fixed-signature wrapper.
 * On success librdkafka owns `headers`; on failure the caller still does. */
static inline rd_kafka_resp_err_t ckafka_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                 const void *key, size_t key_size,
                                                 const void *value, size_t value_size,
                                                 rd_kafka_headers_t *headers, void *msg_opaque) {
    return rd_kafka_producev(rk,
                             RD_KAFKA_V_TOPIC(topic),
                             RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_size),
                             RD_KAFKA_V_VALUE((void *)value, value_size),
                             RD_KAFKA_V_HEADERS(headers),
                             RD_KAFKA_V_OPAQUE(msg_opaque),
                             RD_KAFKA_V_END);
}

/* The same with a topic handle (rd_kafka_topic_new), which spares librdkafka its look-up of
 * the topic by name: a write lock on the whole client and a scan of its topics. */
static inline rd_kafka_resp_err_t ckafka_produce_to(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition,
                                                    const void *key, size_t key_size,
                                                    const void *value, size_t value_size,
                                                    rd_kafka_headers_t *headers, void *msg_opaque) {
    return rd_kafka_producev(rk,
                             RD_KAFKA_V_RKT(rkt),
                             RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_size),
                             RD_KAFKA_V_VALUE((void *)value, value_size),
                             RD_KAFKA_V_HEADERS(headers),
                             RD_KAFKA_V_OPAQUE(msg_opaque),
                             RD_KAFKA_V_END);
}

#endif
