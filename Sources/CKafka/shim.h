#ifndef CKAFKA_SHIM_H
#define CKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* rd_kafka_producev is variadic, which Swift cannot call: one fixed-signature wrapper.
 * The topic goes by handle when `rkt` is given (rd_kafka_topic_new), which spares librdkafka
 * its look-up by name (a write lock on the whole client and a scan of its topics), else by
 * `topic`. On success librdkafka owns `headers`; on failure the caller still does. */
#define CKAFKA_MESSAGE(partition, key, key_size, value, value_size, headers, msg_opaque) \
    RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),           \
    RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_VALUE((void *)value, value_size),          \
    RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(msg_opaque), RD_KAFKA_V_END

static inline rd_kafka_resp_err_t ckafka_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const char *topic,
                                                 int32_t partition, const void *key, size_t key_size,
                                                 const void *value, size_t value_size,
                                                 rd_kafka_headers_t *headers, void *msg_opaque) {
    if (rkt)
        return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt),
                                 CKAFKA_MESSAGE(partition, key, key_size, value, value_size, headers, msg_opaque));
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                             CKAFKA_MESSAGE(partition, key, key_size, value, value_size, headers, msg_opaque));
}

#endif
